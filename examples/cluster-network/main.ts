// A cluster-wide default deny, written for the CNI the cluster runs. Every pod outside the system namespaces may
// send DNS queries to the cluster DNS and nothing else until a policy allows more; the namespace policies of
// ProductionNamespace and the allows derived by ProductionApp and ProductionIngress stay plain NetworkPolicies.
import { App, Chart } from 'cdk8s';
import { ClusterDefaultDeny, Cni, Profile, Synth } from '@platform/cdk8s-production';

const app = new App();

// The platform chart holds cluster-scoped objects, so it has no namespace. Cilium runs in kube-system, which is
// exempt together with the cluster DNS; DNS goes through Cilium's DNS proxy, so Hubble shows every query.
const platform = new Chart(app, 'platform');
Profile.use(platform, Profile.PROD);
new ClusterDefaultDeny(platform, 'DefaultDeny', { name: 'cluster-default-deny', cni: Cni.CILIUM });

// The same intent for a cluster that runs Calico (installed by the Tigera operator): a GlobalNetworkPolicy ordered
// after the Kubernetes NetworkPolicies, exempting kube-system, calico-system and calico-apiserver.
const calico = new Chart(app, 'platform-calico');
Profile.use(calico, Profile.PROD);
new ClusterDefaultDeny(calico, 'DefaultDeny', { name: 'cluster-default-deny', cni: Cni.CALICO });

Synth.app(app);
