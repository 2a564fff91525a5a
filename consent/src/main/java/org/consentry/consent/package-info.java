/**
 * A pure consent decision engine: from a patient's FHIR R4 Consents, whether a requester may see a
 * resource, and why.
 */
package org.consentry.consent;
