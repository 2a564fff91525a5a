/**
 * Several server nodes on one database: the counters by which every node learns, on its next
 * request, what another node changed in what it caches (Consents, data keys, sensitivity value
 * sets), and live messages from one node to the others ({@link
 * org.consentry.server.cluster.NodeChannel}).
 */
package org.consentry.server.cluster;
