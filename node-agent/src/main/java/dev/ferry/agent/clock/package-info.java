/**
 * Clock policies on restore (DESIGN.md "Clocks"): the dump's freeze record, the timens image fed
 * to CRIU when it reads it, the resume gate, and the jumps the container's clocks made.
 */
package dev.ferry.agent.clock;
