/**
 * Bundled code systems and value sets for consent and data segmentation, and the sensitivity
 * labeler that turns the codes in a resource into {@code meta.security} labels; start at {@link
 * org.consentry.terminology.Terminology}.
 */
package org.consentry.terminology;
