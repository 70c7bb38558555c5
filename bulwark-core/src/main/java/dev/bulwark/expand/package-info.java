/**
 * Expand/contract plans: a breaking change read from the user's own migration, turned into phases
 * written as separate migrations ({@code bulwark plan}). See docs/expand-contract.md.
 *
 * <p>Internal to Bulwark: not a public API. Types here change without notice.
 */
package dev.bulwark.expand;
