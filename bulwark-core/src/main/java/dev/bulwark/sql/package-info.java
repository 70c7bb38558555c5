/**
 * Internal to Bulwark: not a public API. Types here change without notice; applications,
 * plugins and tests use {@code dev.bulwark.api} instead.
 */
package dev.bulwark.sql;
