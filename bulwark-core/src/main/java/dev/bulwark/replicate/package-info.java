/** Blue-green with logical replication: {@link dev.bulwark.replicate.Replicator}, {@link dev.bulwark.replicate.ReplicationStatus}. */
package dev.bulwark.replicate;
