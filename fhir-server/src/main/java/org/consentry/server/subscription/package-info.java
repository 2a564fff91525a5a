/**
 * FHIR R4 Subscriptions delivered by rest-hook, each notification decided for its subscriber at
 * delivery time through the one decision step.
 */
package org.consentry.server.subscription;
