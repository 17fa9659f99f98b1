#!/usr/bin/env node
// The `cdk8s-production-check` command: checks Kubernetes YAML files or folders against the
// production-readiness rules. Everything but the process wiring is in ./main.
import { run } from './main';

run();
