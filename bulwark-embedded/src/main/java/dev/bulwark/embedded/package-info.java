/**
 * Internal to Bulwark: not a public API. The embedded PostgreSQL of a project directory
 * ({@code .bulwark/pgdata}), its binaries and its control; depends on nothing of Bulwark's, so
 * bulwark-core can declare this module optional. Applications, plugins and tests use
 * {@code dev.bulwark.api} instead (its {@code rehearse()} reaches this server through bulwark-core).
 */
package dev.bulwark.embedded;
