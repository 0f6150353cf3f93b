// A worker child that dies at once (exit 1): what the pool's restart backoff is measured against.
setTimeout(() => process.exit(1), 20);
