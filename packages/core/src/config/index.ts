// Filled by the config work (schema, loader, JSON Schema).
export {};
