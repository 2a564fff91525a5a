/** Series windows, measurement batches and downsampling: plain Java, no Spring, no database. */
package org.consentry.server.devices.series;
