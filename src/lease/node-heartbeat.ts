// Kubelet node leases live in kube-node-lease, one per node, owned by their Node object: Kubernetes deletes a
// node's lease with the Node, so gc leaves this namespace alone unless told otherwise.

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
