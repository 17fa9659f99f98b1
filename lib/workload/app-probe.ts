import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';

/**
 * Timing and threshold options shared by every probe.
 */
export interface AppProbeOptions {
  /**
   * The port the probe targets: a port number or the name of one of the app's ports.
   *
   * @default - the app's main port (by name)
   */
  readonly port?: string;

  /**
   * How often the probe runs.
   *
   * @default - 5s for readiness and startup, 10s for liveness (see `PROBE_TIMINGS`)
   */
  readonly period?: Duration;

  /**
   * How long one probe may take.
   *
   * @default - 2s for readiness and startup, 3s for liveness
   */
  readonly timeout?: Duration;

  /**
   * Failures in a row before the probe is considered failed.
   *
   * @default - 3 for readiness and liveness, 24 for startup
   */
  readonly failureThreshold?: number;

  /**
   * Delay before the first probe. Prefer a startup probe to an initial delay.
   *
   * @default Duration.seconds(0)
   */
  readonly initialDelay?: Duration;
}

/**
 * Which of the three probes a probe is rendered as.
 *
 * @internal
 */
export type _ProbeKind = 'readiness' | 'liveness' | 'startup';

/**
 * A container health probe: HTTP GET, TCP socket, gRPC or exec.
 *
 * Timings default per kind of probe (readiness, liveness, startup) from `PROBE_TIMINGS`, so the
 * same `AppProbe` used as readiness and liveness still renders two different probes.
 *
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
 */
export class AppProbe {
  /**
   * An HTTP GET on `path`; 2xx and 3xx responses count as healthy.
   */
  public static httpGet(path: string, options: AppProbeOptions = {}): AppProbe {
    return new AppProbe('httpGet', options, path);
  }

  /**
   * A TCP connection to the port: healthy when the connection opens.
   */
  public static tcpSocket(options: AppProbeOptions = {}): AppProbe {
    return new AppProbe('tcpSocket', options);
  }

  /**
   * A gRPC health check (grpc.health.v1.Health/Check) on the port.
   *
   * @param service the gRPC service name to check. @default - the server's overall health
   */
  public static grpc(service?: string, options: AppProbeOptions = {}): AppProbe {
    return new AppProbe('grpc', options, undefined, service);
  }

  /**
   * A command run in the container: healthy when it exits 0.
   */
  public static exec(command: string[], options: AppProbeOptions = {}): AppProbe {
    return new AppProbe('exec', options, undefined, undefined, command);
  }

  private constructor(
    /** The handler: `httpGet`, `tcpSocket`, `grpc` or `exec`. */
    public readonly handler: string,
    /** The probe's options as given. */
    public readonly options: AppProbeOptions,
    /** The HTTP path, for `httpGet`. */
    public readonly path?: string,
    /** The gRPC service, for `grpc`. */
    public readonly grpcService?: string,
    /** The command, for `exec`. */
    public readonly command?: string[],
  ) {}

  /**
   * Renders the probe for a container.
   *
   * @param mainPort the name of the container's main port, used when `options.port` is not set
   * @param portNumbers container port numbers by name (gRPC probes need a number)
   * @internal
   */
  public _toKube(
    timings: { period: Duration; timeout: Duration; failureThreshold: number; successThreshold: number },
    mainPort: string | undefined,
    portNumbers: Record<string, number>,
  ): k8s.Probe {
    const portRef = this.options.port ?? mainPort;
    const port = portRef === undefined ? undefined
      : (/^\d+$/.test(portRef) ? k8s.IntOrString.fromNumber(Number(portRef)) : k8s.IntOrString.fromString(portRef));
    const base = {
      periodSeconds: (this.options.period ?? timings.period).toSeconds(),
      timeoutSeconds: (this.options.timeout ?? timings.timeout).toSeconds(),
      failureThreshold: this.options.failureThreshold ?? timings.failureThreshold,
      successThreshold: timings.successThreshold,
      initialDelaySeconds: this.options.initialDelay?.toSeconds(),
    };
    switch (this.handler) {
      case 'httpGet':
        return { ...base, httpGet: { path: this.path, port: port!, scheme: 'HTTP' } };
      case 'tcpSocket':
        return { ...base, tcpSocket: { port: port! } };
      case 'grpc': {
        const number = portRef === undefined ? NaN : (/^\d+$/.test(portRef) ? Number(portRef) : portNumbers[portRef]);
        return { ...base, grpc: { port: number, service: this.grpcService } };
      }
      default:
        return { ...base, exec: { command: this.command } };
    }
  }

  /**
   * The port this probe needs, or undefined for exec probes.
   *
   * @internal
   */
  public _portRef(mainPort: string | undefined): string | undefined {
    return this.handler === 'exec' ? undefined : (this.options.port ?? mainPort);
  }
}
