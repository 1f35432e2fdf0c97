/**
 * The user API of synack: a {@link io.synack.api.TcpStack} opens and accepts
 * {@link io.synack.api.TcpConnection}s, reports {@link io.synack.api.ConnectionEvent}s and fails with
 * typed {@link io.synack.api.SynackException}s. States are the eleven of RFC 9293
 * ({@link io.synack.api.TcpState}).
 */
package io.synack.api;
