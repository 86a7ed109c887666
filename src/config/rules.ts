/**
 * CloudWatch's rules for names, as functions that say what is wrong (or undefined): shared by
 * the environment schema and the metrics file schema, so both say the same thing.
 */
import * as v from "valibot";
import {
  MAX_ABS_VALUE,
  MAX_DIMENSION_NAME_LENGTH,
  MAX_DIMENSION_VALUE_LENGTH,
  MAX_METRIC_NAME_LENGTH,
  MAX_NAMESPACE_LENGTH,
  RESERVED_NAMESPACE_PREFIX,
  UNIT_ALIASES,
  UNITS,
} from "../cloudwatch/limits.ts";
import { closest } from "../similar.ts";
import { hasControlCharacter, isPrintableAscii, show } from "./values.ts";

export type Rule = (input: string) => string | undefined;

export const namespaceProblem: Rule = (s) => {
  if (s.length === 0) return "is empty";
  if (s.length > MAX_NAMESPACE_LENGTH)
    return `is ${s.length} characters long (allowed: 1 to ${MAX_NAMESPACE_LENGTH})`;
  if (!isPrintableAscii(s)) return `${show(s)} has characters outside printable ASCII (allowed: space to ~)`;
  if (s.startsWith(":")) return `${show(s)} must not start with ":"`;
  if (s.startsWith(RESERVED_NAMESPACE_PREFIX))
    return `${show(s)} starts with "AWS/", which is reserved for AWS services`;
  return undefined;
};

export const metricNameProblem: Rule = (s) => {
  if (s.length === 0) return "is empty";
  if (s.length > MAX_METRIC_NAME_LENGTH)
    return `is ${s.length} characters long (allowed: 1 to ${MAX_METRIC_NAME_LENGTH})`;
  if (hasControlCharacter(s)) return `${show(s)} contains control characters`;
  return undefined;
};

export const unitProblem: Rule = (s) => {
  if ((UNITS as readonly string[]).includes(s)) return undefined;
  const guess = UNIT_ALIASES[s.toLowerCase()] ?? closest(s, UNITS, 4);
  return guess === undefined
    ? `${show(s)} is not a CloudWatch unit (allowed, exact spelling: ${UNITS.join(", ")})`
    : `${show(s)} is not a CloudWatch unit (did you mean ${show(guess)}?)`;
};

export const dimensionNameProblem: Rule = (name) => {
  if (name === "") return "has an empty name";
  if (name.length > MAX_DIMENSION_NAME_LENGTH)
    return `name is ${name.length} characters (allowed: 1 to ${MAX_DIMENSION_NAME_LENGTH})`;
  if (!isPrintableAscii(name)) return `name ${show(name)} has characters outside printable ASCII`;
  if (name.startsWith(":")) return `name ${show(name)} must not start with ":"`;
  return undefined;
};

export const dimensionValueProblem: Rule = (value) => {
  if (value.trim() === "") return "has an empty value";
  if (value.length > MAX_DIMENSION_VALUE_LENGTH)
    return `value is ${value.length} characters (allowed: 1 to ${MAX_DIMENSION_VALUE_LENGTH})`;
  if (!isPrintableAscii(value)) return `value ${show(value)} has characters outside printable ASCII`;
  return undefined;
};

export const valueProblem = (n: number): string | undefined =>
  Number.isFinite(n) && Math.abs(n) <= MAX_ABS_VALUE
    ? undefined
    : `${n} is out of range (allowed: -2^360 to 2^360)`;

/** A valibot validation that reports `rule`'s message when it finds a problem. */
export const follows = (rule: Rule) =>
  v.rawCheck<string>(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const problem = rule(dataset.value);
    if (problem !== undefined) addIssue({ message: problem });
  });
