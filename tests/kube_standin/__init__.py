"""A local HTTP stand-in of the Kubernetes API server: test scaffolding only, never shipped.

No API server can run on this machine, so deploy's tests run the real `kubernetes` client against
this: discovery, server-side apply, get, list, watch from a resourceVersion, delete, Leases, pod
logs, and controllers that replay status sequences (store.py, server.py, controllers.py).

Where each response shape comes from:
- Objects, lists (`kind: XList`, `metadata.resourceVersion`), watch events (`{"type", "object"}` one
  JSON document per line) and `Status` failures (`reason`, `code`, `details.causes`) follow the
  Kubernetes API conventions (community/contributors/devel/sig-architecture/api-conventions.md).
- Server-side apply (`application/apply-patch+yaml`, `fieldManager`, `force`, 409 with
  `FieldManagerConflict` causes, `dryRun=All`) follows the Kubernetes documentation "Server-Side
  Apply"; ownership is tracked per leaf field with lists atomic, a simplification of structured-merge-diff.
- Discovery documents (APIVersions, APIGroupList, APIResourceList, /version) are the shapes the
  client's `kubernetes.dynamic.discovery` reads; Deployment, Job, Pod and Lease status fields are the
  client's models (V1DeploymentStatus, V1JobStatus, V1PodStatus, V1LeaseSpec).
"""
