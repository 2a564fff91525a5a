/**
 * Alert rules on stored Observations (numeric values and sampledData series), raising a Flag for
 * the patient once per episode, after the write has committed.
 */
package org.consentry.server.alerts;
