//! `kubectl explain TYPE[.FIELD...]` in kubectl's layout, from a compact schema of the fields the
//! playground models (descriptions abridged from the Kubernetes API reference).

use kubeplay_api::Kind;

use super::{parse_flags, wants_help};
use crate::flags::{flag, FlagKind};
use crate::{Io, Session};

/// (path below the kind, type, description). Paths use `.`; the root is "".
const FIELDS: &[(Kind, &str, &str, &str)] = &[
    (Kind::Pod, "", "Pod", "Pod is a collection of containers that can run on a host. This resource is created by clients and scheduled onto hosts."),
    (Kind::Pod, "spec", "PodSpec", "Specification of the desired behavior of the pod."),
    (Kind::Pod, "status", "PodStatus", "Most recently observed status of the pod. This data may not be up to date. Populated by the system. Read-only."),
    (Kind::Pod, "spec.containers", "[]Container", "List of containers belonging to the pod. Containers cannot currently be added or removed. There must be at least one container in a Pod. Cannot be updated."),
    (Kind::Pod, "spec.nodeName", "string", "NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName."),
    (Kind::Pod, "spec.nodeSelector", "map[string]string", "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node."),
    (Kind::Pod, "spec.affinity", "Affinity", "If specified, the pod's scheduling constraints"),
    (Kind::Pod, "spec.tolerations", "[]Toleration", "If specified, the pod's tolerations."),
    (Kind::Pod, "spec.topologySpreadConstraints", "[]TopologySpreadConstraint", "TopologySpreadConstraints describes how a group of pods ought to spread across topology domains. Scheduler will schedule pods in a way which abides by the constraints."),
    (Kind::Pod, "spec.schedulerName", "string", "If specified, the pod will be dispatched by specified scheduler. If not specified, the pod will be dispatched by default scheduler."),
    (Kind::Pod, "spec.terminationGracePeriodSeconds", "integer", "Optional duration in seconds the pod needs to terminate gracefully. Defaults to 30 seconds."),
    (Kind::Pod, "spec.priorityClassName", "string", "If specified, indicates the pod's priority."),
    (Kind::Pod, "spec.restartPolicy", "string", "Restart policy for all containers within the pod. One of Always, OnFailure, Never. Default to Always."),
    (Kind::Pod, "spec.volumes", "[]Volume", "List of volumes that can be mounted by containers belonging to the pod."),
    // Fields the playground keeps on the object but does not simulate (descriptions as upstream).
    (Kind::Pod, "spec.dnsPolicy", "string", "Set DNS policy for the pod. Defaults to \"ClusterFirst\". Valid values are 'ClusterFirstWithHostNet', 'ClusterFirst', 'Default' or 'None'."),
    (Kind::Pod, "spec.hostNetwork", "boolean", "Host networking requested for this pod. Use the host's network namespace. Default to false."),
    (Kind::Pod, "spec.serviceAccountName", "string", "ServiceAccountName is the name of the ServiceAccount to use to run this pod."),
    (Kind::Pod, "spec.securityContext", "PodSecurityContext", "SecurityContext holds pod-level security attributes and common container settings. Optional: Defaults to empty."),
    (Kind::Pod, "spec.initContainers", "[]Container", "List of initialization containers belonging to the pod. Init containers are executed in order prior to containers being started."),
    (Kind::Pod, "spec.imagePullSecrets", "[]LocalObjectReference", "ImagePullSecrets is an optional list of references to secrets in the same namespace to use for pulling any of the images used by this PodSpec."),
    (Kind::Pod, "spec.hostname", "string", "Specifies the hostname of the Pod. If not specified, the pod's hostname will be set to a system-defined value."),
    (Kind::Pod, "spec.activeDeadlineSeconds", "integer", "Optional duration in seconds the pod may be active on the node relative to StartTime before the system will actively try to mark it failed and kill associated containers."),
    (Kind::Pod, "spec.containers.command", "[]string", "Entrypoint array. Not executed within a shell. The container image's ENTRYPOINT is used if this is not provided."),
    (Kind::Pod, "spec.containers.args", "[]string", "Arguments to the entrypoint. The container image's CMD is used if this is not provided."),
    (Kind::Pod, "spec.containers.imagePullPolicy", "string", "Image pull policy. One of Always, Never, IfNotPresent. Defaults to Always if :latest tag is specified, or IfNotPresent otherwise. Cannot be updated."),
    (Kind::Pod, "spec.containers.envFrom", "[]EnvFromSource", "List of sources to populate environment variables in the container. The keys defined within a source may consist of any printable ASCII characters except '='."),
    (Kind::Pod, "spec.containers.startupProbe", "Probe", "StartupProbe indicates that the Pod has successfully initialized. If specified, no other probes are executed until this completes successfully."),
    (Kind::Pod, "spec.containers.securityContext", "SecurityContext", "SecurityContext defines the security options the container should be run with."),
    (Kind::Pod, "spec.containers.workingDir", "string", "Container's working directory. If not specified, the container runtime's default will be used. Cannot be updated."),
    (Kind::Pod, "spec.containers.name", "string", "Name of the container specified as a DNS_LABEL. Each container in a pod must have a unique name (DNS_LABEL). Cannot be updated."),
    (Kind::Pod, "spec.containers.image", "string", "Container image name."),
    (Kind::Pod, "spec.containers.ports", "[]ContainerPort", "List of ports to expose from the container."),
    (Kind::Pod, "spec.containers.env", "[]EnvVar", "List of environment variables to set in the container. Cannot be updated."),
    (Kind::Pod, "spec.containers.resources", "ResourceRequirements", "Compute Resources required by this container. Cannot be updated."),
    (Kind::Pod, "spec.containers.readinessProbe", "Probe", "Periodic probe of container service readiness. Container will be removed from service endpoints if the probe fails."),
    (Kind::Pod, "spec.containers.livenessProbe", "Probe", "Periodic probe of container liveness. Container will be restarted if the probe fails."),
    (Kind::Pod, "spec.containers.lifecycle", "Lifecycle", "Actions that the management system should take in response to container lifecycle events."),
    (Kind::Pod, "spec.containers.volumeMounts", "[]VolumeMount", "Pod volumes to mount into the container's filesystem. Cannot be updated."),
    (Kind::Deployment, "", "Deployment", "Deployment enables declarative updates for Pods and ReplicaSets."),
    (Kind::Deployment, "spec", "DeploymentSpec", "Specification of the desired behavior of the Deployment."),
    (Kind::Deployment, "status", "DeploymentStatus", "Most recently observed status of the Deployment."),
    (Kind::Deployment, "spec.replicas", "integer", "Number of desired pods. This is a pointer to distinguish between explicit zero and not specified. Defaults to 1."),
    (Kind::Deployment, "spec.selector", "LabelSelector -required-", "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment. It must match the pod template's labels."),
    (Kind::Deployment, "spec.template", "PodTemplateSpec -required-", "Template describes the pods that will be created. The only allowed template.spec.restartPolicy value is \"Always\"."),
    (Kind::Deployment, "spec.strategy", "DeploymentStrategy", "The deployment strategy to use to replace existing pods with new ones."),
    (Kind::Deployment, "spec.minReadySeconds", "integer", "Minimum number of seconds for which a newly created pod should be ready without any of its container crashing, for it to be considered available. Defaults to 0 (pod will be considered available as soon as it is ready)"),
    (Kind::Deployment, "spec.revisionHistoryLimit", "integer", "The number of old ReplicaSets to retain to allow rollback. This is a pointer to distinguish between explicit zero and not specified. Defaults to 10."),
    (Kind::Deployment, "spec.paused", "boolean", "Indicates that the deployment is paused."),
    (Kind::Deployment, "spec.progressDeadlineSeconds", "integer", "The maximum time in seconds for a deployment to make progress before it is considered to be failed. Defaults to 600s."),
    (Kind::Deployment, "spec.strategy.type", "string", "Type of deployment. Can be \"Recreate\" or \"RollingUpdate\". Default is RollingUpdate."),
    (Kind::Deployment, "spec.strategy.rollingUpdate", "RollingUpdateDeployment", "Rolling update config params. Present only if DeploymentStrategyType = RollingUpdate."),
    (Kind::Deployment, "spec.strategy.rollingUpdate.maxSurge", "IntOrString", "The maximum number of pods that can be scheduled above the desired number of pods. Value can be an absolute number (ex: 5) or a percentage of desired pods (ex: 10%). Defaults to 25%."),
    (Kind::Deployment, "spec.strategy.rollingUpdate.maxUnavailable", "IntOrString", "The maximum number of pods that can be unavailable during the update. Value can be an absolute number (ex: 5) or a percentage of desired pods (ex: 10%). Defaults to 25%."),
    (Kind::ReplicaSet, "", "ReplicaSet", "ReplicaSet ensures that a specified number of pod replicas are running at any given time."),
    (Kind::ReplicaSet, "spec", "ReplicaSetSpec", "Spec defines the specification of the desired behavior of the ReplicaSet."),
    (Kind::ReplicaSet, "status", "ReplicaSetStatus", "Status is the most recently observed status of the ReplicaSet."),
    (Kind::ReplicaSet, "spec.replicas", "integer", "Replicas is the number of desired pods. Defaults to 1."),
    (Kind::ReplicaSet, "spec.selector", "LabelSelector -required-", "Selector is a label query over pods that should match the replica count."),
    (Kind::ReplicaSet, "spec.template", "PodTemplateSpec", "Template is the object that describes the pod that will be created if insufficient replicas are detected."),
    (Kind::Job, "", "Job", "Job represents the configuration of a single job."),
    (Kind::Job, "spec", "JobSpec", "Specification of the desired behavior of a job. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status"),
    (Kind::Job, "status", "JobStatus", "Current status of a job. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status"),
    (Kind::Job, "spec.parallelism", "integer", "Specifies the maximum desired number of pods the job should run at any given time. The actual number of pods running in steady state will be less than this number when ((.spec.completions - .status.successful) < .spec.parallelism), i.e. when the work left to do is less than max parallelism. More info: https://kubernetes.io/docs/concepts/workloads/controllers/jobs-run-to-completion/"),
    (Kind::Job, "spec.completions", "integer", "Specifies the desired number of successfully finished pods the job should be run with.  Setting to null means that the success of any pod signals the success of all pods, and allows parallelism to have any positive value.  Setting to 1 means that parallelism is limited to 1 and the success of that pod signals the success of the job. More info: https://kubernetes.io/docs/concepts/workloads/controllers/jobs-run-to-completion/"),
    (Kind::Job, "spec.activeDeadlineSeconds", "integer", "Specifies the duration in seconds relative to the startTime that the job may be continuously active before the system tries to terminate it; value must be positive integer. If a Job is suspended (at creation or through an update), this timer will effectively be stopped and reset when the Job is resumed again."),
    (Kind::Job, "spec.backoffLimit", "integer", "Specifies the number of retries before marking this job failed. Defaults to 6, unless backoffLimitPerIndex (only Indexed Job) is specified. When backoffLimitPerIndex is specified, backoffLimit defaults to 2147483647."),
    (Kind::Job, "spec.selector", "LabelSelector", "A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors"),
    (Kind::Job, "spec.manualSelector", "boolean", "manualSelector controls generation of pod labels and pod selectors. Leave `manualSelector` unset unless you are certain what you are doing. When false or unset, the system pick labels unique to this job and appends those labels to the pod template.  When true, the user is responsible for picking unique labels and specifying the selector.  Failure to pick a unique label may cause this and other jobs to not function correctly.  However, You may see `manualSelector=true` in jobs that were created with the old `extensions/v1beta1` API. More info: https://kubernetes.io/docs/concepts/workloads/controllers/jobs-run-to-completion/#specifying-your-own-pod-selector"),
    (Kind::Job, "spec.template", "PodTemplateSpec -required-", "Describes the pod that will be created when executing a job. The only allowed template.spec.restartPolicy values are \"Never\" or \"OnFailure\". More info: https://kubernetes.io/docs/concepts/workloads/controllers/jobs-run-to-completion/"),
    (Kind::Job, "spec.ttlSecondsAfterFinished", "integer", "ttlSecondsAfterFinished limits the lifetime of a Job that has finished execution (either Complete or Failed). If this field is set, ttlSecondsAfterFinished after the Job finishes, it is eligible to be automatically deleted. When the Job is being deleted, its lifecycle guarantees (e.g. finalizers) will be honored. If this field is unset, the Job won't be automatically deleted. If this field is set to zero, the Job becomes eligible to be deleted immediately after it finishes."),
    (Kind::Job, "spec.completionMode", "string", "completionMode specifies how Pod completions are tracked. It can be `NonIndexed` (default) or `Indexed`. `NonIndexed` means that the Job is considered complete when there have been .spec.completions successfully completed Pods. Each Pod completion is homologous to each other. `Indexed` means that the Pods of a Job get an associated completion index from 0 to (.spec.completions - 1), available in the annotation batch.kubernetes.io/job-completion-index. The Job is considered complete when there is one successfully completed Pod for each index."),
    (Kind::Job, "spec.suspend", "boolean", "suspend specifies whether the Job controller should create Pods or not. If a Job is created with suspend set to true, no Pods are created by the Job controller. If a Job is suspended after creation (i.e. the flag goes from false to true), the Job controller will delete all active Pods associated with this Job. Users must design their workload to gracefully handle this. Suspending a Job will reset the StartTime field of the Job, effectively resetting the ActiveDeadlineSeconds timer too. Defaults to false."),
    (Kind::Job, "spec.podFailurePolicy", "PodFailurePolicy", "Specifies the policy of handling failed pods. In particular, it allows to specify the set of actions and conditions which need to be satisfied to take the associated action. If empty, the default behaviour applies - the counter of failed pods, represented by the jobs's .status.failed field, is incremented and it is checked against the backoffLimit. This field cannot be used in combination with restartPolicy=OnFailure."),
    (Kind::Job, "spec.podReplacementPolicy", "string", "podReplacementPolicy specifies when to create replacement Pods. Possible values are: - TerminatingOrFailed means that we recreate pods when they are terminating (has a metadata.deletionTimestamp) or failed. - Failed means to wait until a previously created Pod is fully terminated (has phase Failed or Succeeded) before creating a replacement Pod. When using podFailurePolicy, Failed is the the only allowed value. TerminatingOrFailed and Failed are allowed values when podFailurePolicy is not in use."),
    (Kind::Job, "status.conditions", "[]JobCondition", "The latest available observations of an object's current state. When a Job fails, one of the conditions will have type \"Failed\" and status true. When a Job is suspended, one of the conditions will have type \"Suspended\" and status true; when the Job is resumed, the status of this condition will become false. When a Job is completed, one of the conditions will have type \"Complete\" and status true. A job is considered finished when it is in a terminal condition, either \"Complete\" or \"Failed\"."),
    (Kind::Job, "status.startTime", "string", "Represents time when the job controller started processing a job. When a Job is created in the suspended state, this field is not set until the first time it is resumed. This field is reset every time a Job is resumed from suspension. It is represented in RFC3339 form and is in UTC."),
    (Kind::Job, "status.completionTime", "string", "Represents time when the job was completed. It is not guaranteed to be set in happens-before order across separate operations. It is represented in RFC3339 form and is in UTC. The completion time is set when the job finishes successfully, and only then. The value cannot be updated or removed. The value indicates the same or later point in time as the startTime field."),
    (Kind::Job, "status.active", "integer", "The number of pending and running pods which are not terminating (without a deletionTimestamp). The value is zero for finished jobs."),
    (Kind::Job, "status.ready", "integer", "The number of active pods which have a Ready condition and are not terminating (without a deletionTimestamp)."),
    (Kind::Job, "status.succeeded", "integer", "The number of pods which reached phase Succeeded. The value increases monotonically for a given spec. However, it may decrease in reaction to scale down of elastic indexed jobs."),
    (Kind::Job, "status.failed", "integer", "The number of pods which reached phase Failed. The value increases monotonically."),
    (Kind::Job, "status.terminating", "integer", "The number of pods which are terminating (in phase Pending or Running and have a deletionTimestamp)."),
    (Kind::Job, "status.completedIndexes", "string", "completedIndexes holds the completed indexes when .spec.completionMode = \"Indexed\" in a text format. The indexes are represented as decimal integers separated by commas. The numbers are listed in increasing order. Three or more consecutive numbers are compressed and represented by the first and last element of the series, separated by a hyphen. For example, if the completed indexes are 1, 3, 4, 5 and 7, they are represented as \"1,3-5,7\"."),
    (Kind::CronJob, "", "CronJob", "CronJob represents the configuration of a single cron job."),
    (Kind::CronJob, "spec", "CronJobSpec", "Specification of the desired behavior of a cron job, including the schedule. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status"),
    (Kind::CronJob, "status", "CronJobStatus", "Current status of a cron job. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status"),
    (Kind::CronJob, "spec.schedule", "string -required-", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
    (Kind::CronJob, "spec.timeZone", "string", "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones. If not specified, this will default to the time zone of the kube-controller-manager process. The set of valid time zone names and the time zone offset is loaded from the system-wide time zone database by the API server during CronJob validation and the controller manager during execution. If no system-wide time zone database can be found a bundled version of the database is used instead. If the time zone name becomes invalid during the lifetime of a CronJob or due to a change in host configuration, the controller will stop creating new new Jobs and will create a system event with the reason UnknownTimeZone. More information can be found in https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones"),
    (Kind::CronJob, "spec.startingDeadlineSeconds", "integer", "Optional deadline in seconds for starting the job if it misses scheduled time for any reason.  Missed jobs executions will be counted as failed ones."),
    (Kind::CronJob, "spec.concurrencyPolicy", "string", "Specifies how to treat concurrent executions of a Job. Valid values are: - \"Allow\" (default): allows CronJobs to run concurrently; - \"Forbid\": forbids concurrent runs, skipping next run if previous run hasn't finished yet; - \"Replace\": cancels currently running job and replaces it with a new one"),
    (Kind::CronJob, "spec.suspend", "boolean", "This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.  Defaults to false."),
    (Kind::CronJob, "spec.jobTemplate", "JobTemplateSpec -required-", "Specifies the job that will be created when executing a CronJob."),
    (Kind::CronJob, "spec.successfulJobsHistoryLimit", "integer", "The number of successful finished jobs to retain. Value must be non-negative integer. Defaults to 3."),
    (Kind::CronJob, "spec.failedJobsHistoryLimit", "integer", "The number of failed finished jobs to retain. Value must be non-negative integer. Defaults to 1."),
    (Kind::CronJob, "spec.jobTemplate.metadata", "ObjectMeta", "Standard object's metadata of the jobs created from this template. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"),
    (Kind::CronJob, "spec.jobTemplate.spec", "JobSpec", "Specification of the desired behavior of the job. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status"),
    (Kind::CronJob, "status.active", "[]ObjectReference", "A list of pointers to currently running jobs."),
    (Kind::CronJob, "status.lastScheduleTime", "string", "Information when was the last time the job was successfully scheduled."),
    (Kind::CronJob, "status.lastSuccessfulTime", "string", "Information when was the last time the job successfully completed."),
    (Kind::Service, "", "Service", "Service is a named abstraction of software service (for example, mysql) consisting of local port (for example 3306) that the proxy listens on, and the selector that determines which pods will answer requests sent through the proxy."),
    (Kind::Service, "spec", "ServiceSpec", "Spec defines the behavior of a service."),
    (Kind::Service, "status", "ServiceStatus", "Most recently observed status of the service. Populated by the system. Read-only."),
    (Kind::Service, "spec.ports", "[]ServicePort", "The list of ports that are exposed by this service."),
    (Kind::Service, "spec.selector", "map[string]string", "Route service traffic to pods with label keys and values matching this selector."),
    (Kind::Service, "spec.type", "string", "type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer."),
    (Kind::Service, "spec.clusterIP", "string", "clusterIP is the IP address of the service and is usually assigned randomly."),
    (Kind::Node, "", "Node", "Node is a worker node in Kubernetes. Each node will have a unique identifier in the cache (i.e. in etcd)."),
    (Kind::Node, "spec", "NodeSpec", "Spec defines the behavior of a node."),
    (Kind::Node, "status", "NodeStatus", "Most recently observed status of the node. Populated by the system. Read-only."),
    (Kind::Node, "spec.taints", "[]Taint", "If specified, the node's taints."),
    (Kind::Node, "spec.unschedulable", "boolean", "Unschedulable controls node schedulability of new pods. By default, node is schedulable."),
    (Kind::Node, "spec.podCIDR", "string", "PodCIDR represents the pod IP range assigned to the node."),
    (Kind::Endpoints, "", "Endpoints", "Endpoints is a collection of endpoints that implement the actual service."),
    (Kind::Endpoints, "subsets", "[]EndpointSubset", "The set of all endpoints is the union of all subsets."),
    (Kind::Secret, "", "Secret", "Secret holds secret data of a certain type. The total bytes of the values in the Data field must be less than MaxSecretSize bytes."),
    (Kind::Secret, "data", "map[string]string", "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string."),
    (Kind::Secret, "stringData", "map[string]string", "stringData allows specifying non-binary secret data in string form. It is provided as a write-only input field for convenience."),
    (Kind::Secret, "type", "string", "Used to facilitate programmatic handling of secret data."),
    (Kind::Secret, "immutable", "boolean", "Immutable, if set to true, ensures that data stored in the Secret cannot be updated (only object metadata can be modified)."),
    (Kind::ConfigMap, "", "ConfigMap", "ConfigMap holds configuration data for pods to consume."),
    (Kind::ConfigMap, "data", "map[string]string", "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'."),
    (Kind::ConfigMap, "binaryData", "map[string]string", "BinaryData contains the binary data."),
    (Kind::ConfigMap, "immutable", "boolean", "Immutable, if set to true, ensures that data stored in the ConfigMap cannot be updated (only object metadata can be modified)."),
    (Kind::Namespace, "", "Namespace", "Namespace provides a scope for Names. Use of multiple namespaces is optional."),
    (Kind::Namespace, "spec", "NamespaceSpec", "Spec defines the behavior of the Namespace."),
    (Kind::Namespace, "status", "NamespaceStatus", "Status describes the current status of a Namespace."),
    (Kind::Event, "", "Event", "Event is a report of an event somewhere in the cluster."),
    (Kind::Event, "involvedObject", "ObjectReference -required-", "The object that this event is about."),
    (Kind::Event, "reason", "string", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
    (Kind::Event, "message", "string", "A human-readable description of the status of this operation."),
    (Kind::StatefulSet, "", "StatefulSet", "StatefulSet represents a set of pods with consistent identities. Identities are defined as:\n  - Network: A single stable DNS and hostname.\n  - Storage: As many VolumeClaims as requested.\n\nThe StatefulSet guarantees that a given network identity will always map to the same storage identity."),
    (Kind::StatefulSet, "spec", "StatefulSetSpec", "Spec defines the desired identities of pods in this set."),
    (Kind::StatefulSet, "status", "StatefulSetStatus", "Status is the current status of Pods in this StatefulSet. This data may be out of date by some window of time."),
    (Kind::StatefulSet, "spec.replicas", "integer", "replicas is the desired number of replicas of the given Template. These are replicas in the sense that they are instantiations of the same Template, but individual replicas also have a consistent identity. If unspecified, defaults to 1."),
    (Kind::StatefulSet, "spec.selector", "LabelSelector -required-", "selector is a label query over pods that should match the replica count. It must match the pod template's labels."),
    (Kind::StatefulSet, "spec.serviceName", "string", "serviceName is the name of the service that governs this StatefulSet. This service must exist before the StatefulSet, and is responsible for the network identity of the set. Pods get DNS/hostnames that follow the pattern: pod-specific-string.serviceName.default.svc.cluster.local where \"pod-specific-string\" is managed by the StatefulSet controller."),
    (Kind::StatefulSet, "spec.template", "PodTemplateSpec -required-", "template is the object that describes the pod that will be created if insufficient replicas are detected. Each pod stamped out by the StatefulSet will fulfill this Template, but have a unique identity from the rest of the StatefulSet."),
    (Kind::StatefulSet, "spec.volumeClaimTemplates", "[]PersistentVolumeClaim", "volumeClaimTemplates is a list of claims that pods are allowed to reference. The StatefulSet controller is responsible for mapping network identities to claims in a way that maintains the identity of a pod. Every claim in this list must have at least one matching (by name) volumeMount in one container in the template."),
    (Kind::StatefulSet, "spec.podManagementPolicy", "string", "podManagementPolicy controls how pods are created during initial scale up, when replacing pods on nodes, or when scaling down. The default policy is `OrderedReady`, where pods are created in increasing order (pod-0, then pod-1, etc) and the controller will wait until each pod is ready before continuing. When scaling down, the pods are removed in the opposite order. The alternative policy is `Parallel` which will create pods in parallel to match the desired scale without waiting, and on scale down will delete all pods at once."),
    (Kind::StatefulSet, "spec.updateStrategy", "StatefulSetUpdateStrategy", "updateStrategy indicates the StatefulSetUpdateStrategy that will be employed to update Pods in the StatefulSet when a revision is made to Template."),
    (Kind::StatefulSet, "spec.updateStrategy.rollingUpdate", "RollingUpdateStatefulSetStrategy", "RollingUpdate is used to communicate parameters when Type is RollingUpdateStatefulSetStrategyType."),
    (Kind::StatefulSet, "spec.updateStrategy.rollingUpdate.partition", "integer", "Partition indicates the ordinal at which the StatefulSet should be partitioned for updates. During a rolling update, all pods from ordinal Replicas-1 to Partition are updated. All pods from ordinal Partition-1 to 0 remain untouched. This is helpful in being able to do a canary based deployment. The default value is 0."),
    (Kind::PersistentVolumeClaim, "", "PersistentVolumeClaim", "PersistentVolumeClaim is a user's request for and claim to a persistent volume"),
    (Kind::PersistentVolumeClaim, "spec", "PersistentVolumeClaimSpec", "spec defines the desired characteristics of a volume requested by a pod author. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#persistentvolumeclaims"),
    (Kind::PersistentVolumeClaim, "status", "PersistentVolumeClaimStatus", "status represents the current information/status of a persistent volume claim. Read-only. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#persistentvolumeclaims"),
    (Kind::PersistentVolumeClaim, "spec.accessModes", "[]string", "accessModes contains the desired access modes the volume should have. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1"),
    (Kind::PersistentVolumeClaim, "spec.resources", "VolumeResourceRequirements", "resources represents the minimum resources the volume should have."),
    (Kind::PersistentVolumeClaim, "spec.storageClassName", "string", "storageClassName is the name of the StorageClass required by the claim. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#class-1"),
    (Kind::PersistentVolumeClaim, "spec.volumeName", "string", "volumeName is the binding reference to the PersistentVolume backing this claim."),
    (Kind::PersistentVolumeClaim, "spec.selector", "LabelSelector", "selector is a label query over volumes to consider for binding."),
    (Kind::PersistentVolumeClaim, "spec.volumeMode", "string", "volumeMode defines what type of volume is required by the claim. Value of Filesystem is implied when not included in claim spec."),
    (Kind::PersistentVolume, "", "PersistentVolume", "PersistentVolume (PV) is a storage resource provisioned by an administrator. It is analogous to a node. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes"),
    (Kind::PersistentVolume, "spec", "PersistentVolumeSpec", "spec defines a specification of a persistent volume owned by the cluster. Provisioned by an administrator. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#persistent-volumes"),
    (Kind::PersistentVolume, "status", "PersistentVolumeStatus", "status represents the current information/status for the persistent volume. Populated by the system. Read-only. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#persistent-volumes"),
    (Kind::PersistentVolume, "spec.accessModes", "[]string", "accessModes contains all ways the volume can be mounted. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes"),
    (Kind::PersistentVolume, "spec.capacity", "map[string]Quantity", "capacity is the description of the persistent volume's resources and capacity. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#capacity"),
    (Kind::PersistentVolume, "spec.claimRef", "ObjectReference", "claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim. Expected to be non-nil when bound. claim.VolumeName is the authoritative bind between PV and PVC. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#binding"),
    (Kind::PersistentVolume, "spec.hostPath", "HostPathVolumeSource", "hostPath represents a directory on the host. Provisioned by a developer or tester. This is useful for single-node development and testing only! On-host storage is not supported in any way and WILL NOT WORK in a multi-node cluster. More info: https://kubernetes.io/docs/concepts/storage/volumes#hostpath"),
    (Kind::PersistentVolume, "spec.nodeAffinity", "VolumeNodeAffinity", "nodeAffinity defines constraints that limit what nodes this volume can be accessed from. This field influences the scheduling of pods that use this volume."),
    (Kind::PersistentVolume, "spec.persistentVolumeReclaimPolicy", "string", "persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim. Valid options are Retain (default for manually created PersistentVolumes), Delete (default for dynamically provisioned PersistentVolumes), and Recycle (deprecated). Recycle must be supported by the volume plugin underlying this PersistentVolume. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#reclaiming"),
    (Kind::PersistentVolume, "spec.storageClassName", "string", "storageClassName is the name of StorageClass to which this persistent volume belongs. Empty value means that this volume does not belong to any StorageClass."),
    (Kind::StorageClass, "", "StorageClass", "StorageClass describes the parameters for a class of storage for which PersistentVolumes can be dynamically provisioned.\n\nStorageClasses are non-namespaced; the name of the storage class according to etcd is in ObjectMeta.Name."),
    (Kind::StorageClass, "provisioner", "string -required-", "provisioner indicates the type of the provisioner."),
    (Kind::StorageClass, "parameters", "map[string]string", "parameters holds the parameters for the provisioner that should create volumes of this storage class."),
    (Kind::StorageClass, "reclaimPolicy", "string", "reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete."),
    (Kind::StorageClass, "volumeBindingMode", "string", "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.  When unset, VolumeBindingImmediate is used. This field is only honored by servers that enable the VolumeScheduling feature."),
    (Kind::StorageClass, "allowVolumeExpansion", "boolean", "allowVolumeExpansion shows whether the storage class allow volume expand."),
    (Kind::DaemonSet, "", "DaemonSet", "DaemonSet represents the configuration of a daemon set."),
    (Kind::DaemonSet, "spec", "DaemonSetSpec", "The desired behavior of this daemon set."),
    (Kind::DaemonSet, "status", "DaemonSetStatus", "The current status of this daemon set. This data may be out of date by some window of time. Populated by the system. Read-only."),
    (Kind::DaemonSet, "spec.selector", "LabelSelector -required-", "A label query over pods that are managed by the daemon set. Must match in order to be controlled. It must match the pod template's labels."),
    (Kind::DaemonSet, "spec.template", "PodTemplateSpec -required-", "An object that describes the pod that will be created. The DaemonSet will create exactly one copy of this pod on every node that matches the template's node selector (or on every node if no node selector is specified). The only allowed template.spec.restartPolicy value is \"Always\"."),
    (Kind::DaemonSet, "spec.updateStrategy", "DaemonSetUpdateStrategy", "An update strategy to replace existing DaemonSet pods with new pods."),
    (Kind::DaemonSet, "spec.minReadySeconds", "integer", "The minimum number of seconds for which a newly created DaemonSet pod should be ready without any of its container crashing, for it to be considered available. Defaults to 0 (pod will be considered available as soon as it is ready)."),
    (Kind::DaemonSet, "spec.revisionHistoryLimit", "integer", "The number of old history to retain to allow rollback. This is a pointer to distinguish between explicit zero and not specified. Defaults to 10."),
    (Kind::DaemonSet, "spec.updateStrategy.type", "string", "Type of daemon set update. Can be \"RollingUpdate\" or \"OnDelete\". Default is RollingUpdate."),
    (Kind::DaemonSet, "spec.updateStrategy.rollingUpdate", "RollingUpdateDaemonSet", "Rolling update config params. Present only if type = \"RollingUpdate\"."),
    (Kind::PriorityClass, "", "PriorityClass", "PriorityClass defines mapping from a priority class name to the priority integer value. The value can be any valid integer."),
    (Kind::PriorityClass, "value", "integer -required-", "value represents the integer value of this priority class. This is the actual priority that pods receive when they have the name of this class in their pod spec."),
    (Kind::PriorityClass, "globalDefault", "boolean", "globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class. Only one PriorityClass can be marked as `globalDefault`."),
    (Kind::PriorityClass, "description", "string", "description is an arbitrary string that usually provides guidelines on when this priority class should be used."),
    (Kind::PriorityClass, "preemptionPolicy", "string", "preemptionPolicy is the Policy for preempting pods with lower priority. One of Never, PreemptLowerPriority. Defaults to PreemptLowerPriority if unset."),
    (Kind::Ingress, "", "Ingress", "Ingress is a collection of rules that allow inbound connections to reach the endpoints defined by a backend. An Ingress can be configured to give services externally-reachable urls, load balance traffic, terminate SSL, offer name based virtual hosting etc."),
    (Kind::Ingress, "spec", "IngressSpec", "spec is the desired state of the Ingress."),
    (Kind::Ingress, "spec.ingressClassName", "string", "ingressClassName is the name of an IngressClass cluster resource. Ingress controller implementations use this field to know whether they should be serving this Ingress resource."),
    (Kind::Ingress, "spec.defaultBackend", "IngressBackend", "defaultBackend is the backend that should handle requests that don't match any rule. If Rules are not specified, DefaultBackend must be specified."),
    (Kind::Ingress, "spec.rules", "[]IngressRule", "rules is a list of host rules used to configure the Ingress. If unspecified, or no rule matches, all traffic is sent to the default backend."),
    (Kind::Ingress, "spec.rules.host", "string", "host is the fully qualified domain name of a network host, as defined by RFC 3986. Wildcard hosts (\"*.foo.com\") match a single DNS label in place of the \"*\"."),
    (Kind::Ingress, "spec.rules.http", "HTTPIngressRuleValue", "http is a list of http selectors pointing to backends."),
    (Kind::Ingress, "spec.rules.http.paths", "[]HTTPIngressPath", "paths is a collection of paths that map requests to backends."),
    (Kind::Ingress, "spec.rules.http.paths.path", "string", "path is matched against the path of an incoming request. Currently it can contain characters disallowed from the conventional \"path\" part of a URL as defined by RFC 3986. Paths must begin with a '/' and must be present when using PathType with value \"Exact\" or \"Prefix\"."),
    (Kind::Ingress, "spec.rules.http.paths.pathType", "string", "pathType determines the interpretation of the path matching. PathType can be one of the following values: Exact, Prefix, ImplementationSpecific."),
    (Kind::Ingress, "spec.rules.http.paths.backend", "IngressBackend", "backend defines the referenced service endpoint to which the traffic will be forwarded to."),
    (Kind::Ingress, "spec.tls", "[]IngressTLS", "tls represents the TLS configuration."),
    (Kind::Ingress, "status", "IngressStatus", "status is the current state of the Ingress."),
    (Kind::IngressClass, "", "IngressClass", "IngressClass represents the class of the Ingress, referenced by the Ingress Spec. The `ingressclass.kubernetes.io/is-default-class` annotation can be used to indicate that an IngressClass should be considered default."),
    (Kind::IngressClass, "spec", "IngressClassSpec", "spec is the desired state of the IngressClass."),
    (Kind::IngressClass, "spec.controller", "string", "controller refers to the name of the controller that should handle this class. This allows for different \"flavors\" that are controlled by the same controller."),
    (Kind::IngressClass, "spec.parameters", "IngressClassParametersReference", "parameters is a link to a custom resource containing additional configuration for the controller."),
    (Kind::ResourceQuota, "", "ResourceQuota", "ResourceQuota sets aggregate quota restrictions enforced per namespace"),
    (Kind::ResourceQuota, "spec", "ResourceQuotaSpec", "Spec defines the desired quota."),
    (Kind::ResourceQuota, "spec.hard", "map[string]Quantity", "hard is the set of desired hard limits for each named resource."),
    (Kind::ResourceQuota, "spec.scopes", "[]string", "A collection of filters that must match each object tracked by a quota. If not specified, the quota matches all objects."),
    (Kind::ResourceQuota, "spec.scopeSelector", "ScopeSelector", "scopeSelector is also a collection of filters like scopes that must match each object tracked by a quota but expressed using ScopeSelectorOperator in combination with possible values."),
    (Kind::ResourceQuota, "status", "ResourceQuotaStatus", "Status defines the actual enforced quota and its current usage."),
    (Kind::ResourceQuota, "status.hard", "map[string]Quantity", "Hard is the set of enforced hard limits for each named resource."),
    (Kind::ResourceQuota, "status.used", "map[string]Quantity", "Used is the current observed total usage of the resource in the namespace."),
    (Kind::LimitRange, "", "LimitRange", "LimitRange sets resource usage limits for each kind of resource in a Namespace."),
    (Kind::LimitRange, "spec", "LimitRangeSpec", "Spec defines the limits enforced."),
    (Kind::LimitRange, "spec.limits", "[]LimitRangeItem", "Limits is the list of LimitRangeItem objects that are enforced."),
    (Kind::LimitRange, "spec.limits.type", "string", "Type of resource that this limit applies to."),
    (Kind::LimitRange, "spec.limits.default", "map[string]Quantity", "Default resource requirement limit value by resource name if resource limit is omitted."),
    (Kind::LimitRange, "spec.limits.defaultRequest", "map[string]Quantity", "DefaultRequest is the default resource requirement request value by resource name if resource request is omitted."),
    (Kind::LimitRange, "spec.limits.max", "map[string]Quantity", "Max usage constraints on this kind by resource name."),
    (Kind::LimitRange, "spec.limits.min", "map[string]Quantity", "Min usage constraints on this kind by resource name."),
    (Kind::LimitRange, "spec.limits.maxLimitRequestRatio", "map[string]Quantity", "MaxLimitRequestRatio if specified, the named resource must have a request and limit that are both non-zero where limit divided by request is less than or equal to the enumerated value; this represents the max burst for the named resource."),
    (Kind::NetworkPolicy, "", "NetworkPolicy", "NetworkPolicy describes what network traffic is allowed for a set of Pods"),
    (Kind::NetworkPolicy, "spec", "NetworkPolicySpec", "spec represents the specification of the desired behavior for this NetworkPolicy."),
    (Kind::NetworkPolicy, "spec.podSelector", "LabelSelector", "podSelector selects the pods to which this NetworkPolicy object applies. The array of rules is applied to any pods selected by this field. An empty selector matches all pods in this namespace."),
    (Kind::NetworkPolicy, "spec.ingress", "[]NetworkPolicyIngressRule", "ingress is a list of ingress rules to be applied to the selected pods. Traffic is allowed to a pod if there are no NetworkPolicies selecting the pod (and cluster policy otherwise allows the traffic), OR if the traffic source is the pod's local node, OR if the traffic matches at least one ingress rule across all of the NetworkPolicy objects whose podSelector matches the pod."),
    (Kind::NetworkPolicy, "spec.egress", "[]NetworkPolicyEgressRule", "egress is a list of egress rules to be applied to the selected pods. Outgoing traffic is allowed if there are no NetworkPolicies selecting the pod (and cluster policy otherwise allows the traffic), OR if the traffic matches at least one egress rule across all of the NetworkPolicy objects whose podSelector matches the pod."),
    (Kind::NetworkPolicy, "spec.policyTypes", "[]string", "policyTypes is a list of rule types that the NetworkPolicy relates to. Valid options are [\"Ingress\"], [\"Egress\"], or [\"Ingress\", \"Egress\"]. If this field is not specified, it will default based on the existence of ingress or egress rules."),
    (Kind::NetworkPolicy, "spec.ingress.from", "[]NetworkPolicyPeer", "from is a list of sources which should be able to access the pods selected for this rule. Items in this list are combined using a logical OR operation. If this field is empty or missing, this rule matches all sources (traffic not restricted by source)."),
    (Kind::NetworkPolicy, "spec.ingress.ports", "[]NetworkPolicyPort", "ports is a list of ports which should be made accessible on the pods selected for this rule. Each item in this list is combined using a logical OR. If this field is empty or missing, this rule matches all ports (traffic not restricted by port)."),
    (Kind::NetworkPolicy, "spec.egress.to", "[]NetworkPolicyPeer", "to is a list of destinations for outgoing traffic of pods selected for this rule. Items in this list are combined using a logical OR operation. If this field is empty or missing, this rule matches all destinations (traffic not restricted by destination)."),
    (Kind::NetworkPolicy, "spec.egress.ports", "[]NetworkPolicyPort", "ports is a list of destination ports for outgoing traffic. Each item in this list is combined using a logical OR. If this field is empty or missing, this rule matches all ports (traffic not restricted by port)."),
    (Kind::ServiceAccount, "", "ServiceAccount", "ServiceAccount binds together: * a name, understood by users, and perhaps by peripheral systems, for an identity * a principal that can be authenticated and authorized * a set of secrets"),
    (Kind::ServiceAccount, "automountServiceAccountToken", "boolean", "AutomountServiceAccountToken indicates whether pods running as this service account should have an API token automatically mounted. Can be overridden at the pod level."),
    (Kind::ServiceAccount, "imagePullSecrets", "[]LocalObjectReference", "ImagePullSecrets is a list of references to secrets in the same namespace to use for pulling any images in pods that reference this ServiceAccount."),
    (Kind::ServiceAccount, "secrets", "[]ObjectReference", "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use."),
    (Kind::Role, "", "Role", "Role is a namespaced, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding."),
    (Kind::Role, "rules", "[]PolicyRule", "Rules holds all the PolicyRules for this Role"),
    (Kind::Role, "rules.apiGroups", "[]string", "APIGroups is the name of the APIGroup that contains the resources. If multiple API groups are specified, any action requested against one of the enumerated resources in any API group will be allowed. \"\" represents the core API group and \"*\" represents all API groups."),
    (Kind::Role, "rules.resources", "[]string", "Resources is a list of resources this rule applies to. '*' represents all resources."),
    (Kind::Role, "rules.resourceNames", "[]string", "ResourceNames is an optional white list of names that the rule applies to.  An empty set means that everything is allowed."),
    (Kind::Role, "rules.verbs", "[]string -required-", "Verbs is a list of Verbs that apply to ALL the ResourceKinds contained in this rule. '*' represents all verbs."),
    (Kind::ClusterRole, "", "ClusterRole", "ClusterRole is a cluster level, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding or ClusterRoleBinding."),
    (Kind::ClusterRole, "rules", "[]PolicyRule", "Rules holds all the PolicyRules for this ClusterRole"),
    (Kind::ClusterRole, "rules.nonResourceURLs", "[]string", "NonResourceURLs is a set of partial urls that a user should have access to.  *s are allowed, but only as the full, final step in the path. Rules can either apply to API resources (such as \"pods\" or \"secrets\") or non-resource URL paths (such as \"/api\"),  but not both."),
    (Kind::ClusterRole, "aggregationRule", "AggregationRule", "AggregationRule is an optional field that describes how to build the Rules for this ClusterRole. If AggregationRule is set, then the Rules are controller managed and direct changes to Rules will be stomped by the controller."),
    (Kind::RoleBinding, "", "RoleBinding", "RoleBinding references a role, but does not contain it.  It can reference a Role in the same namespace or a ClusterRole in the global namespace. It adds who information via Subjects and namespace information by which namespace it exists in.  RoleBindings in a given namespace only have effect in that namespace."),
    (Kind::RoleBinding, "roleRef", "RoleRef -required-", "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. This field is immutable."),
    (Kind::RoleBinding, "subjects", "[]Subject", "Subjects holds references to the objects the role applies to."),
    (Kind::ClusterRoleBinding, "", "ClusterRoleBinding", "ClusterRoleBinding references a ClusterRole, but not contain it.  It can reference a ClusterRole in the global namespace, and adds who information via Subject."),
    (Kind::ClusterRoleBinding, "roleRef", "RoleRef -required-", "RoleRef can only reference a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. This field is immutable."),
    (Kind::ClusterRoleBinding, "subjects", "[]Subject", "Subjects holds references to the objects the role applies to."),
];

const COMMON: &[(&str, &str, &str)] = &[
    ("apiVersion", "string", "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources"),
    ("kind", "string", "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds"),
    ("metadata", "ObjectMeta", "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"),
];

/// Wraps `text` at 80 columns with `indent`, as kubectl's explain template does.
fn wrap(text: &str, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && indent.len() + line.len() + 1 + word.len() > 80 {
            out.push_str(indent);
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(indent);
        out.push_str(&line);
        out.push('\n');
    }
    out
}

pub fn run(_s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    let flags = [
        flag("recursive", FlagKind::Bool),
        flag("api-version", FlagKind::String),
        short_output(),
    ];
    let p = match parse_flags(io, "explain", &flags, args) {
        Ok(p) => p,
        Err(c) => return c,
    };
    if wants_help(&p, "explain", io) {
        return 0;
    }
    let Some(target) = p.args.first() else {
        return io.fail("error: You must specify the type of resource to explain. Use \"kubectl api-resources\" for a complete list of supported resources.\n");
    };
    let (res, path) = match target.split_once('.') {
        Some((r, rest)) => (r, rest.to_string()),
        None => (target.as_str(), String::new()),
    };
    let kind = match super::resolve_kind(res) {
        Ok(k) => k,
        Err(e) => return io.error(e),
    };
    let (fields_kind, fields_path) = schema_of(kind, &path);
    let entry = FIELDS
        .iter()
        .find(|(k, p, _, _)| *k == fields_kind && *p == fields_path)
        .map(|(_, _, t, d)| (*t, *d))
        .or_else(|| {
            COMMON
                .iter()
                .find(|(n, _, _)| *n == path)
                .map(|(_, t, d)| (*t, *d))
        });
    let Some((type_, desc)) = entry else {
        let last = path.rsplit('.').next().unwrap_or(&path);
        return io.error(format!("field \"{last}\" does not exist"));
    };
    let mut out = String::new();
    out.push_str(&format!("KIND:       {}\n", kind.name()));
    let gv = kind.api_version();
    match gv.split_once('/') {
        Some((g, v)) => {
            out.push_str(&format!("GROUP:      {g}\n"));
            out.push_str(&format!("VERSION:    {v}\n\n"));
        }
        None => out.push_str(&format!("VERSION:    {gv}\n\n")),
    }
    if !path.is_empty() {
        let last = path.rsplit('.').next().unwrap_or(&path);
        out.push_str(&format!("FIELD: {last} <{type_}>\n\n"));
    }
    out.push_str("DESCRIPTION:\n");
    out.push_str(&wrap(desc, "    "));
    out.push('\n');
    let prefix = if fields_path.is_empty() {
        String::new()
    } else {
        format!("{fields_path}.")
    };
    let mut children: Vec<(&str, &str, &str)> = Vec::new();
    if path.is_empty() {
        children.extend(COMMON.iter().copied());
    }
    for (k, p, t, d) in FIELDS {
        if *k != fields_kind || p.is_empty() {
            continue;
        }
        if let Some(rest) = p.strip_prefix(prefix.as_str()) {
            if !rest.contains('.') {
                children.push((rest, t, d));
            }
        }
    }
    if !children.is_empty() {
        children.sort_by_key(|c| c.0);
        out.push_str("FIELDS:\n");
        for (name, t, d) in children {
            out.push_str(&format!("  {name}\t<{t}>\n"));
            out.push_str(&wrap(d, "    "));
            out.push('\n');
        }
    }
    out.push('\n');
    io.out.push_str(&out);
    0
}

/// Where a field's schema is in the table: a workload's pod template holds a PodSpec (its
/// fields are the Pod's), a CronJob's job template a JobSpec.
fn schema_of(kind: Kind, path: &str) -> (Kind, String) {
    let below = |prefix: &str| path == prefix || path.starts_with(&format!("{prefix}."));
    match kind {
        Kind::CronJob if below("spec.jobTemplate.spec") => schema_of(
            Kind::Job,
            &path.replacen("spec.jobTemplate.spec", "spec", 1),
        ),
        Kind::Deployment | Kind::ReplicaSet | Kind::Job | Kind::DaemonSet | Kind::StatefulSet
            if below("spec.template.spec") =>
        {
            (Kind::Pod, path.replacen("spec.template.spec", "spec", 1))
        }
        _ => (kind, path.to_string()),
    }
}

fn short_output() -> crate::flags::Flag {
    crate::flags::short("output", 'o', FlagKind::String)
}
