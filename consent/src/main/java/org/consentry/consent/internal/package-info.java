/**
 * The consent engine's compiled provision trees and evaluation; not API, may change without notice.
 */
package org.consentry.consent.internal;
