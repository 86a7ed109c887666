/** The GitHub Actions workflow cannot run here; this checks that it parses and has its parts. */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { ROOT } from "./support/program.ts";

interface Step {
  run?: string;
  uses?: string;
  env?: Record<string, string>;
}
interface Workflow {
  on: { push: { tags: string[] }; pull_request: unknown };
  jobs: Record<string, { if?: string; needs?: string; steps: Step[] }>;
}

test("ci.yml is valid YAML: tests on every push, release and images on a tag", async () => {
  const text = await Bun.file(join(ROOT, ".github", "workflows", "ci.yml")).text();
  const wf = Bun.YAML.parse(text) as Workflow;
  expect(wf.on.push.tags).toEqual(["v*"]);
  expect(wf.on).toHaveProperty("pull_request");
  const runs = (job: string) => wf.jobs[job]?.steps.map((s) => s.run ?? s.uses ?? "") ?? [];
  expect(runs("test")).toContain("npm ci");
  expect(runs("test")).toContain("npm test");
  expect(wf.jobs.release?.needs).toBe("test");
  expect(wf.jobs.release?.if).toBe("startsWith(github.ref, 'refs/tags/v')");
  expect(runs("release")).toContain("npm run release");
  expect(runs("release").join("\n")).toContain("--platform linux/amd64,linux/arm64");
  expect(runs("release").join("\n")).toContain("Dockerfile.alpine-cron");
});
