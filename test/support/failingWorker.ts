/** A pool worker that cannot start: it stops as soon as it is loaded, as a module with a fatal error would. */
process.exit(3);
