/**
 * Classes that break the architecture rules on purpose, one rule each, so that every rule is shown
 * to fail. The real checks import production classes only, so these are never part of them.
 */
package io.synack.core.architecture.violations;
