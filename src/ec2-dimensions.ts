/** The dimensions `METRIC_EC2_DIMENSIONS` may ask for, and where metadata keeps each. */
export const EC2_DIMENSIONS = {
  InstanceId: "latest/meta-data/instance-id",
  InstanceType: "latest/meta-data/instance-type",
  ImageId: "latest/meta-data/ami-id",
  AvailabilityZone: "latest/meta-data/placement/availability-zone",
  AutoScalingGroupName: "latest/meta-data/tags/instance/aws:autoscaling:groupName",
} as const;
export type Ec2Dimension = keyof typeof EC2_DIMENSIONS;
