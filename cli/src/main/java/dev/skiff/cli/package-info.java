/** Filled by later issues (DESIGN §2). The module builds so that the arrows are enforced from day one. */
package dev.skiff.cli;
