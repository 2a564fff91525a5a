/** Implementation of the terminology module: not an API, may change without notice. */
package org.consentry.terminology.internal;
