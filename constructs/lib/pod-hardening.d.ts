import type { IAffinity as Affinity } from 'kubernetes-models/v1/Affinity';
import type { IPodSecurityContext as PodSecurityContext } from 'kubernetes-models/v1/PodSecurityContext';
import type { IResourceRequirements as ResourceRequirements } from 'kubernetes-models/v1/ResourceRequirements';
import type { ISecurityContext as SecurityContext } from 'kubernetes-models/v1/SecurityContext';
import type { ITopologySpreadConstraint as TopologySpreadConstraint } from 'kubernetes-models/v1/TopologySpreadConstraint';
import type { IVolume as Volume } from 'kubernetes-models/v1/Volume';
import type { IVolumeMount as VolumeMount } from 'kubernetes-models/v1/VolumeMount';
import type { IConstruct } from 'constructs';
/** One set of cpu, memory and ephemeral-storage quantities. */
export interface ResourceQuantities {
    /** CPU, e.g. `"250m"`. */
    readonly cpu: string;
    /** Memory, e.g. `"256Mi"`. */
    readonly memory: string;
    /** Scratch disk (logs, emptyDirs), e.g. `"256Mi"`; without it one pod can fill a node's disk. */
    readonly ephemeralStorage: string;
}
/** Requests (what the scheduler reserves) and limits (what the kubelet enforces). */
export interface ContainerResources {
    /** Reserved for the container; the HPA's CPU target is a percentage of `requests.cpu`. */
    readonly requests: ResourceQuantities;
    /** Hard ceiling; each must be >= its request. */
    readonly limits: ResourceQuantities;
}
/** uid/gid the hardened pods run as: above 10000, so it never maps to a host user (S06). */
export declare const DEFAULT_RUN_AS_ID = 10001;
/** Size limit of a scratch directory when none is given: scratch space, not storage. */
export declare const DEFAULT_SCRATCH_SIZE = "64Mi";
/** Mode of mounted secret files: owner and group (the fsGroup) may read, nobody else. */
export declare const SECRET_FILE_MODE = 288;
/** The ids a pod's processes and volumes run as. */
export interface RunAsIds {
    /** uid of every process, >= 10001. */
    readonly runAsUser: number;
    /** gid of every process, >= 10001. */
    readonly runAsGroup: number;
    /** Group that owns mounted volumes (secret files, PVCs), so the non-root user can read and write them. */
    readonly fsGroup: number;
}
/** How the kubelet applies `fsGroup` to a volume's existing files. */
export type FsGroupChangePolicy = 'OnRootMismatch' | 'Always';
/** The restricted pod securityContext (S05, S06, S07, S09). */
export declare function podSecurityContext(ids: RunAsIds, fsGroupChangePolicy?: FsGroupChangePolicy): PodSecurityContext;
/** The restricted container securityContext (S02, S03, S04, S05, S06, S08, S09). */
export declare function containerSecurityContext(ids: Pick<RunAsIds, 'runAsUser' | 'runAsGroup'>): SecurityContext;
/** cpu, memory and ephemeral-storage requests and limits, rendered as quantity strings (R01, R02). */
export declare function containerResources(resources: ContainerResources): ResourceRequirements;
/** A writable directory on the read-only root filesystem: a size-limited emptyDir (S08). */
export interface ScratchDirectory {
    /** Absolute path in the container. */
    readonly path: string;
    /**
     * Most the directory may hold before the pod is evicted.
     * @default '64Mi' - scratch space, not storage
     */
    readonly sizeLimit?: string;
    /**
     * Name of the emptyDir volume.
     * @default - `tmp` for /tmp, else `scratch-<index in the list>`: HardenedDeployment's names
     */
    readonly volumeName?: string;
}
/** One size-limited emptyDir volume and its mount per directory, in order. */
export declare function scratchVolumes(directories: readonly ScratchDirectory[]): {
    volumes: Volume[];
    mounts: VolumeMount[];
};
/** One key (or every key) of an existing Secret, mounted read-only as files. */
export interface SecretFile {
    /** The Secret's name (made outside the manifests: by hand, an operator or an ExternalSecret). */
    readonly secretName: string;
    /**
     * The key; the file is `<mountPath>/<key>`.
     * @default - every key of the Secret, one file each
     */
    readonly key?: string;
    /** Absolute directory the file appears in. */
    readonly mountPath: string;
}
/**
 * A secret volume holding one key (or all), mode 0440 (readable through the fsGroup), mounted
 * read-only as a directory (not `subPath`, so a rotated Secret reaches the file). Secrets are files,
 * never env (S19). `filePath` is the key's file, or the directory without a key.
 */
export declare function secretFileVolume(volumeName: string, file: SecretFile): {
    volume: Volume;
    mount: VolumeMount;
    filePath: string;
};
/** Preferred anti-affinity: the scheduler keeps the selected pods on different nodes when it can (A04). */
export declare function preferredHostAntiAffinity(selector: Readonly<Record<string, string>>): Affinity;
/** Spread the selected pods over zones, without blocking scheduling where there is only one (A05). */
export declare function zoneSpread(selector: Readonly<Record<string, string>>): TopologySpreadConstraint[];
/** Refuses ids below 10001 (S06), naming the construct path. */
export declare function checkRunAsIds(scope: IConstruct, ids: RunAsIds): void;
/** Refuses missing or malformed quantities and limits below their requests (R01, R02). */
export declare function checkContainerResources(scope: IConstruct, prop: string, resources: ContainerResources | undefined): asserts resources is ContainerResources;
/**
 * Refuses relative, unnormalized or duplicate paths, duplicate volume names, bad size limits, and
 * scratch space that does not fit the container's ephemeral-storage limit (the kubelet would evict).
 */
export declare function checkScratchDirectories(scope: IConstruct, prop: string, directories: readonly ScratchDirectory[], ephemeralStorageLimit: string): void;
