/**
 * The trading lesson on local servers: exchanges with switchable faults ({@link
 * dev.breakwater.examples.trading.Exchange}), a market-data WebSocket ({@link
 * dev.breakwater.examples.trading.FeedServer}) and its reconnecting client ({@link
 * dev.breakwater.examples.trading.MarketFeed}), an order router with failover ({@link
 * dev.breakwater.examples.trading.OrderRouter}), a fault script ({@link
 * dev.breakwater.examples.trading.FaultScript}) and the scenario that runs them together ({@link
 * dev.breakwater.examples.trading.TradingScenario}). {@link dev.breakwater.examples.trading.Demo}
 * shows it live and compares it with the same code without a breaker; see
 * {@code examples/DEMO.md}.
 */
package dev.breakwater.examples.trading;
