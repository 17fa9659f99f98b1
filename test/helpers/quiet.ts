// The suite synthesizes dev-profile apps on purpose: their warnings are asserted where they matter
// (test/internal/app-checks.test.ts), not printed on every synthesis.
process.env.CDK8S_PRODUCTION_QUIET = '1';
