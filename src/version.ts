import pkg from "../package.json" with { type: "json" };

// Set by scripts/build.ts with --define; a run from source reports the package version.
declare const CWP_BUILD_VERSION: string | undefined;

export const VERSION: string =
  typeof CWP_BUILD_VERSION === "string" ? CWP_BUILD_VERSION : `${pkg.version}+source`;
