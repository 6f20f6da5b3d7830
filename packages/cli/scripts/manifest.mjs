// Writes oclif.manifest.json after `tsc`, so each run imports only the command it executes (not all of them).
// Generated on every build and never committed; turbo caches it together with dist/ (see turbo.json here).
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Config } from "@oclif/core";

const root = fileURLToPath(new URL("..", import.meta.url));
const config = await Config.load(root);
const plugin = config.plugins.get(config.pjson.name);
if (!plugin) throw new Error(`oclif did not load the plugin ${config.pjson.name} from ${root}`);
writeFileSync(new URL("../oclif.manifest.json", import.meta.url), `${JSON.stringify(plugin.manifest, null, 2)}\n`);
