/**
 * Wearables and other personal health devices: a gateway's measurements stored as compact hourly
 * {@code sampledData} series ({@code Observation/$ingest-measurements}), and a patient's
 * measurements over a period, downsampled for charts, as consent shows them ({@code
 * Observation/$series}). The pure parts (windows, grouping, downsampling) live in {@code series}.
 */
package org.consentry.server.devices;
