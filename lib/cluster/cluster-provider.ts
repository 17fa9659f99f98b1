import { BlockList, isIP } from 'net';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { renderKubeVipManifest } from './_files';
import { AWS, AWS_API_VERSION, KUBE_VIP, VSPHERE_API_VERSION, VSPHERE_MACHINE } from './defaults';
import { isDns1123Label, isDns1123Subdomain, parseCidr } from '../internal/names';

/**
 * Who may reach the API server through the provider's load balancer.
 */
export class ApiServerAccess {
  /**
   * A load balancer with private addresses only, reachable from `allowedCidrs` inside the network (the VPC, the
   * office VPN); with no CIDRs, from wherever the provider's default rules allow inside the private network.
   */
  public static internalOnly(allowedCidrs?: string[]): ApiServerAccess {
    return new ApiServerAccess(true, allowedCidrs ?? []);
  }

  /**
   * A load balancer with a public address, reachable only from `allowedCidrs` (never `0.0.0.0/0` or `::/0`).
   */
  public static fromCidrs(allowedCidrs: string[]): ApiServerAccess {
    return new ApiServerAccess(false, allowedCidrs);
  }

  private constructor(
    /** Whether the load balancer has private addresses only. */
    public readonly isInternal: boolean,
    /** The source CIDRs allowed to reach the API server port. */
    public readonly allowedCidrs: string[],
  ) {}

  /** A one-line description, for error messages and the runbook. */
  public toString(): string {
    return `${this.isInternal ? 'internal' : 'public'} load balancer${this.allowedCidrs.length > 0 ? ` allowing ${this.allowedCidrs.join(', ')}` : ''}`;
  }
}

/**
 * A file a provider writes on every control-plane node (a static pod manifest, for example).
 */
export interface KubeadmFile {
  /** The absolute path on the node. */
  readonly path: string;
  /** The file's content (at most 10240 characters: the KubeadmConfigSpec's limit). */
  readonly content: string;
  /**
   * The file's mode.
   *
   * @default '0600'
   */
  readonly permissions?: string;
}

/**
 * What a `ProductionCluster` tells its provider.
 */
export interface ClusterProviderBindOptions {
  /** The Cluster's name. */
  readonly clusterName: string;
  /**
   * The namespace of the cluster objects in the management cluster.
   *
   * @default - the chart's namespace
   */
  readonly namespaceName?: string;
  /** The API server port. */
  readonly apiServerPort: number;
  /** Who may reach the API server. */
  readonly access: ApiServerAccess;
  /** The control plane's Kubernetes version, e.g. `v1.33.4`. */
  readonly kubernetesVersion: string;
  /** The pod CIDRs. */
  readonly podCidrs: string[];
  /** The service CIDRs. */
  readonly serviceCidrs: string[];
}

/**
 * What a provider adds to a cluster.
 */
export interface ClusterProviderOutput {
  /** The `<Provider>Cluster` object the Cluster's `infrastructureRef` points at. */
  readonly infrastructureCluster: ApiObject;
  /**
   * Files written on every control-plane node.
   *
   * @default - none
   */
  readonly controlPlaneFiles?: KubeadmFile[];
  /**
   * Commands run on control-plane nodes before kubeadm.
   *
   * @default - none
   */
  readonly preKubeadmCommands?: string[];
  /**
   * Commands run on control-plane nodes after kubeadm.
   *
   * @default - none
   */
  readonly postKubeadmCommands?: string[];
}

/**
 * A machine template a provider creates.
 */
export interface MachineTemplateOptions {
  /** The template's name (versioned by content: a changed template gets a new name, which rolls the machines). */
  readonly name: string;
  /**
   * The namespace.
   *
   * @default - the chart's namespace
   */
  readonly namespaceName?: string;
  /** Whether the machines are control-plane machines. */
  readonly controlPlane: boolean;
  /**
   * The provider's machine type (an AWS instance type, a vSphere size name).
   *
   * @default - the provider's default for the role
   */
  readonly machineType?: string;
}

/**
 * A problem a provider found in its props or in the cluster it is bound to.
 */
export interface ClusterProviderProblem {
  /** The prop, relative to `provider` (or a cluster prop such as `apiServerAccess`). */
  readonly prop: string;
  /** The bad value, as text. */
  readonly value: string;
  /** What is wrong. */
  readonly problem: string;
  /** How to fix it. */
  readonly fix: string;
}

/**
 * The adapter between a `ProductionCluster` and a Cluster API infrastructure provider: its cluster object (load
 * balancer, who may reach the API server) and its machine templates.
 */
export interface IClusterProvider {
  /** The provider's name, for messages and the runbook (e.g. `aws`). */
  readonly providerName: string;
  /** The kind of the provider's cluster object, e.g. `AWSCluster`. */
  readonly clusterKind: string;
  /** The kind of the provider's machine templates, e.g. `AWSMachineTemplate`. */
  readonly machineTemplateKind: string;
  /** Checks the provider's props and the cluster's; an empty list when all is well. */
  check(options: ClusterProviderBindOptions): ClusterProviderProblem[];
  /** Creates the provider's cluster object and what the control-plane nodes need. */
  bind(scope: Construct, id: string, options: ClusterProviderBindOptions): ClusterProviderOutput;
  /** Creates a machine template. */
  addMachineTemplate(scope: Construct, id: string, options: MachineTemplateOptions): ApiObject;
  /** Whether `machineType` names a machine type of this provider (`undefined` is the provider's default). */
  isMachineType(machineType: string): boolean;
}

function checkAccess(access: ApiServerAccess, problems: ClusterProviderProblem[]): void {
  for (const cidr of access.allowedCidrs) {
    const parsed = parseCidr(cidr);
    if (parsed === undefined) {
      problems.push({ prop: 'apiServerAccess', value: cidr, problem: 'lists a CIDR that is not one', fix: "write 'address/prefix', e.g. '10.0.0.0/16'" });
    } else if (parsed.prefix === 0) {
      problems.push({ prop: 'apiServerAccess', value: cidr, problem: 'allows every address, so the API server would not be restricted',
        fix: 'list the networks that administer the cluster, or use ApiServerAccess.internalOnly()' });
    }
  }
  if (!access.isInternal && access.allowedCidrs.length === 0) {
    problems.push({ prop: 'apiServerAccess', value: access.toString(), problem: 'makes the API server public without naming who may reach it',
      fix: 'list the allowed CIDRs, or use ApiServerAccess.internalOnly()' });
  }
}

/**
 * Props of an `AwsClusterProvider`.
 */
export interface AwsClusterProviderProps {
  /** The AWS region, e.g. `eu-west-1`. */
  readonly region: string;
  /**
   * The control-plane instance type.
   *
   * @default 'm6i.xlarge'
   */
  readonly controlPlaneInstanceType?: string;
  /**
   * The worker instance type when a pool names none.
   *
   * @default 'm6i.2xlarge'
   */
  readonly workerInstanceType?: string;
  /**
   * The SSH key pair installed on the machines.
   *
   * @default - none (use SSM Session Manager)
   */
  readonly sshKeyName?: string;
}

const AWS_REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const AWS_INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;

/**
 * Cluster API Provider AWS (CAPA): an `AWSCluster` whose network load balancer fronts the API server, and
 * `AWSMachineTemplate`s with IMDSv2 required and encrypted root volumes.
 *
 * CAPA's CRDs are not among the library's imports: its objects are plain `ApiObject`s
 * (`infrastructure.cluster.x-k8s.io/v1beta2`) and are not schema-checked by the library's tests.
 *
 * @see https://cluster-api-aws.sigs.k8s.io/
 */
export class AwsClusterProvider implements IClusterProvider {
  public readonly providerName: string = 'aws';
  public readonly clusterKind: string = 'AWSCluster';
  public readonly machineTemplateKind: string = 'AWSMachineTemplate';
  /** The region. */
  public readonly region: string;
  /** The control-plane instance type. */
  public readonly controlPlaneInstanceType: string;
  /** The default worker instance type. */
  public readonly workerInstanceType: string;

  public constructor(private readonly props: AwsClusterProviderProps) {
    this.region = props.region;
    this.controlPlaneInstanceType = props.controlPlaneInstanceType ?? 'm6i.xlarge';
    this.workerInstanceType = props.workerInstanceType ?? 'm6i.2xlarge';
  }

  public isMachineType(machineType: string): boolean {
    return AWS_INSTANCE_TYPE.test(machineType);
  }

  public check(options: ClusterProviderBindOptions): ClusterProviderProblem[] {
    const problems: ClusterProviderProblem[] = [];
    if (!AWS_REGION.test(String(this.props.region))) {
      problems.push({ prop: 'provider.region', value: String(this.props.region), problem: 'is not an AWS region', fix: "write a region such as 'eu-west-1'" });
    }
    for (const [prop, value] of [['provider.controlPlaneInstanceType', this.controlPlaneInstanceType], ['provider.workerInstanceType', this.workerInstanceType]]) {
      if (!this.isMachineType(value)) {
        problems.push({ prop, value, problem: 'is not an EC2 instance type', fix: "write 'family.size', e.g. 'm6i.xlarge'" });
      }
    }
    checkAccess(options.access, problems);
    return problems;
  }

  public bind(scope: Construct, id: string, options: ClusterProviderBindOptions): ClusterProviderOutput {
    const ingressRules = options.access.allowedCidrs.length === 0 ? undefined : [{
      description: 'Kubernetes API server',
      protocol: 'tcp',
      fromPort: options.apiServerPort,
      toPort: options.apiServerPort,
      cidrBlocks: options.access.allowedCidrs.filter((c) => parseCidr(c)?.family === 'ipv4'),
      ipv6CidrBlocks: options.access.allowedCidrs.filter((c) => parseCidr(c)?.family === 'ipv6'),
    }].map((r) => ({ ...r, ipv6CidrBlocks: r.ipv6CidrBlocks.length > 0 ? r.ipv6CidrBlocks : undefined,
      cidrBlocks: r.cidrBlocks.length > 0 ? r.cidrBlocks : undefined }));
    const infrastructureCluster = new ApiObject(scope, id, {
      apiVersion: AWS_API_VERSION,
      kind: this.clusterKind,
      metadata: { name: options.clusterName, namespace: options.namespaceName },
      spec: {
        region: this.region,
        sshKeyName: this.props.sshKeyName,
        controlPlaneLoadBalancer: {
          scheme: options.access.isInternal ? 'internal' : 'internet-facing',
          loadBalancerType: AWS.loadBalancerType,
          healthCheckProtocol: 'HTTPS',
          ingressRules,
        },
      },
    });
    return { infrastructureCluster };
  }

  public addMachineTemplate(scope: Construct, id: string, options: MachineTemplateOptions): ApiObject {
    return new ApiObject(scope, id, {
      apiVersion: AWS_API_VERSION,
      kind: this.machineTemplateKind,
      metadata: { name: options.name, namespace: options.namespaceName },
      spec: {
        template: {
          spec: {
            instanceType: options.machineType ?? (options.controlPlane ? this.controlPlaneInstanceType : this.workerInstanceType),
            iamInstanceProfile: options.controlPlane ? AWS.controlPlaneInstanceProfile : AWS.nodeInstanceProfile,
            sshKeyName: this.props.sshKeyName,
            instanceMetadataOptions: { ...AWS.metadataOptions },
            rootVolume: { ...AWS.rootVolume },
          },
        },
      },
    });
  }
}

/**
 * One vSphere machine size.
 */
export interface VsphereMachineSize {
  /** vCPUs. */
  readonly numCpus: number;
  /** Memory, in MiB. */
  readonly memoryMiB: number;
  /** The root disk, in GiB. */
  readonly diskGiB: number;
}

/**
 * Props of a `VsphereClusterProvider`.
 */
export interface VsphereClusterProviderProps {
  /** The vCenter server's address (a host name). */
  readonly server: string;
  /** The TLS thumbprint of vCenter's certificate (SHA-1 or SHA-256, colon-separated hex). */
  readonly thumbprint: string;
  /** The virtual IP of the API server, announced by kube-vip on the control-plane nodes. */
  readonly controlPlaneVip: string;
  /**
   * The node network, when the VIP must be checked to be inside it.
   *
   * @default - not checked
   */
  readonly nodeNetworkCidr?: string;
  /** The datacenter. */
  readonly datacenter: string;
  /** The datastore. */
  readonly datastore: string;
  /** The VM network. */
  readonly network: string;
  /** The VM template (an image with kubeadm and kubelet of the cluster's version). */
  readonly vmTemplate: string;
  /**
   * Machine sizes by name; a pool's `machineType` names one. `control-plane` and `worker` are the defaults.
   *
   * @default - control-plane and worker: 4 vCPUs, 16 GiB, 80 GiB disk
   */
  readonly machineSizes?: { [name: string]: VsphereMachineSize };
  /**
   * The network interface kube-vip announces the VIP on.
   *
   * @default 'eth0'
   */
  readonly vipInterface?: string;
  /**
   * The kube-vip image, pinned.
   *
   * @default 'ghcr.io/kube-vip/kube-vip:v0.8.0'
   */
  readonly kubeVipImage?: string;
}

/**
 * Cluster API Provider vSphere (CAPV) with kube-vip: the API server's virtual IP is announced by a kube-vip static
 * pod on every control-plane node (written as a kubeadm file) and set as the `VSphereCluster`'s endpoint.
 *
 * kube-vip announces the VIP on the node network: the API server is internal. Restrict who may reach it at the
 * network (firewall, NSX); `ApiServerAccess.fromCidrs` is an error here, since kube-vip cannot enforce it.
 *
 * CAPV's CRDs are not among the library's imports: its objects are plain `ApiObject`s
 * (`infrastructure.cluster.x-k8s.io/v1beta1`) and are not schema-checked by the library's tests.
 *
 * @see https://kube-vip.io/docs/installation/static/
 */
export class VsphereClusterProvider implements IClusterProvider {
  public readonly providerName: string = 'vsphere';
  public readonly clusterKind: string = 'VSphereCluster';
  public readonly machineTemplateKind: string = 'VSphereMachineTemplate';
  /** The machine sizes. */
  public readonly machineSizes: { [name: string]: VsphereMachineSize };

  public constructor(private readonly props: VsphereClusterProviderProps) {
    const size = { numCpus: VSPHERE_MACHINE.numCPUs, memoryMiB: VSPHERE_MACHINE.memoryMiB, diskGiB: VSPHERE_MACHINE.diskGiB };
    this.machineSizes = { 'control-plane': size, 'worker': size, ...props.machineSizes };
  }

  public isMachineType(machineType: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.machineSizes, machineType);
  }

  public check(options: ClusterProviderBindOptions): ClusterProviderProblem[] {
    const problems: ClusterProviderProblem[] = [];
    const vip = String(this.props.controlPlaneVip);
    const family = isIP(vip);
    if (family === 0) {
      problems.push({ prop: 'provider.controlPlaneVip', value: vip, problem: 'is not an IP address', fix: "give the virtual IP kube-vip announces, e.g. '10.0.0.10'" });
    } else {
      const network = this.props.nodeNetworkCidr === undefined ? undefined : parseCidr(this.props.nodeNetworkCidr);
      if (this.props.nodeNetworkCidr !== undefined && network === undefined) {
        problems.push({ prop: 'provider.nodeNetworkCidr', value: this.props.nodeNetworkCidr, problem: 'is not a CIDR', fix: "write 'address/prefix'" });
      } else if (network !== undefined && !cidrContains(network.address, network.prefix, vip)) {
        problems.push({ prop: 'provider.controlPlaneVip', value: vip, problem: `is outside the node network ${this.props.nodeNetworkCidr}, so kube-vip cannot announce it by ARP`,
          fix: 'pick a free address of the node network' });
      }
      for (const cidr of [...options.podCidrs, ...options.serviceCidrs]) {
        const c = parseCidr(cidr);
        if (c !== undefined && cidrContains(c.address, c.prefix, vip)) {
          problems.push({ prop: 'provider.controlPlaneVip', value: vip, problem: `is inside the cluster's pod or service range ${cidr}`,
            fix: 'pick a free address of the node network' });
        }
      }
    }
    if (!/^([0-9A-Fa-f]{2}:){19}[0-9A-Fa-f]{2}$|^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$/.test(String(this.props.thumbprint))) {
      problems.push({ prop: 'provider.thumbprint', value: String(this.props.thumbprint), problem: 'is not a SHA-1 or SHA-256 certificate thumbprint',
        fix: "write colon-separated hex bytes, as 'openssl x509 -fingerprint' prints them" });
    }
    if (!isDns1123Subdomain(String(this.props.server).toLowerCase()) && isIP(String(this.props.server)) === 0) {
      problems.push({ prop: 'provider.server', value: String(this.props.server), problem: 'is not a host name or IP address', fix: "give vCenter's address, e.g. 'vcenter.example.com'" });
    }
    if (this.props.vipInterface !== undefined && !/^[a-zA-Z0-9_.-]{1,15}$/.test(this.props.vipInterface)) {
      problems.push({ prop: 'provider.vipInterface', value: this.props.vipInterface, problem: 'is not a network interface name', fix: "write the interface name, e.g. 'ens192'" });
    }
    for (const [name, size] of Object.entries(this.machineSizes)) {
      if (!isDns1123Label(name) || !(size.numCpus >= 2) || !(size.memoryMiB >= 4096) || !(size.diskGiB >= 40)) {
        problems.push({ prop: `provider.machineSizes.${name}`, value: JSON.stringify(size), problem: 'is not a usable Kubernetes node size',
          fix: 'name it with a DNS label and give at least 2 vCPUs, 4096 MiB and 40 GiB' });
      }
    }
    if (!options.access.isInternal) {
      problems.push({ prop: 'apiServerAccess', value: options.access.toString(), problem: 'asks for a public endpoint, but kube-vip announces the VIP on the node network and cannot filter sources',
        fix: 'use ApiServerAccess.internalOnly() and restrict access at the network firewall' });
    } else {
      checkAccess(options.access, problems);
    }
    return problems;
  }

  public bind(scope: Construct, id: string, options: ClusterProviderBindOptions): ClusterProviderOutput {
    const infrastructureCluster = new ApiObject(scope, id, {
      apiVersion: VSPHERE_API_VERSION,
      kind: this.clusterKind,
      metadata: { name: options.clusterName, namespace: options.namespaceName },
      spec: {
        server: this.props.server,
        thumbprint: this.props.thumbprint,
        controlPlaneEndpoint: { host: this.props.controlPlaneVip, port: options.apiServerPort },
      },
    });
    const minor = Number(/^v\d+\.(\d+)\./.exec(options.kubernetesVersion)?.[1] ?? 0);
    const superAdmin = minor >= KUBE_VIP.superAdminFromMinor;
    const manifest = renderKubeVipManifest({
      image: this.props.kubeVipImage ?? KUBE_VIP.image,
      vip: this.props.controlPlaneVip,
      port: options.apiServerPort,
      vipInterface: this.props.vipInterface ?? KUBE_VIP.interface,
    });
    // On the first node (the one with kubeadm's init config), kube-vip must use super-admin.conf until init is done.
    const swap = (from: string, to: string) =>
      `if [ -f /run/kubeadm/kubeadm.yaml ]; then sed -i 's#path: /etc/kubernetes/${from}#path: /etc/kubernetes/${to}#' ${KUBE_VIP.manifestPath}; fi`;
    return {
      infrastructureCluster,
      controlPlaneFiles: [{ path: KUBE_VIP.manifestPath, content: manifest, permissions: '0600' }],
      preKubeadmCommands: superAdmin ? [swap('admin.conf', 'super-admin.conf')] : undefined,
      postKubeadmCommands: superAdmin ? [swap('super-admin.conf', 'admin.conf')] : undefined,
    };
  }

  public addMachineTemplate(scope: Construct, id: string, options: MachineTemplateOptions): ApiObject {
    const size = this.machineSizes[options.machineType ?? (options.controlPlane ? 'control-plane' : 'worker')];
    return new ApiObject(scope, id, {
      apiVersion: VSPHERE_API_VERSION,
      kind: this.machineTemplateKind,
      metadata: { name: options.name, namespace: options.namespaceName },
      spec: {
        template: {
          spec: {
            server: this.props.server,
            thumbprint: this.props.thumbprint,
            datacenter: this.props.datacenter,
            datastore: this.props.datastore,
            template: this.props.vmTemplate,
            cloneMode: VSPHERE_MACHINE.cloneMode,
            numCPUs: size.numCpus,
            memoryMiB: size.memoryMiB,
            diskGiB: size.diskGiB,
            network: { devices: [{ networkName: this.props.network, dhcp4: true }] },
          },
        },
      },
    });
  }
}

/** Whether `ip` is inside `address/prefix`. */
function cidrContains(address: string, prefix: number, ip: string): boolean {
  const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  if ((isIP(ip) === 6 ? 'ipv6' : 'ipv4') !== family) {
    return false;
  }
  const block = new BlockList();
  block.addSubnet(address, prefix, family);
  return block.check(ip, family);
}

