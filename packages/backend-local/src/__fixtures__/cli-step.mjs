// One CLI-like step in its own process (create+start, exec, stop), to prove sandboxes survive between processes.
const [buildDir, stateDir, op, name, ...rest] = process.argv.slice(2);
const { collectExec } = await import(`${buildDir}/core/index.js`);
const { createLocalBackend } = await import(`${buildDir}/local/index.js`);
const backend = createLocalBackend({ stateDir, logger: () => {} });
let result;
if (op === "create-start") {
  await backend.create({ name });
  result = await backend.start(name);
} else if (op === "exec") {
  const r = await collectExec(await backend.exec(name, { command: rest }));
  result = { exitCode: r.exitCode, stdout: r.stdout.toString() };
} else if (op === "stop") {
  await backend.stop(name);
  result = await backend.get(name);
} else {
  throw new Error(`unknown op ${op}`);
}
process.stdout.write(JSON.stringify(result));
