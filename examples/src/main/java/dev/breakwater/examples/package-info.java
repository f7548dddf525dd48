/**
 * Breakwater in the field: helpers that start real servers (Redis, PostgreSQL) on loopback,
 * fault-injecting proxies and HTTP servers, the trading scenario, and its live demo.
 */
package dev.breakwater.examples;
