/** Writes the GraphQL schema built from the code to schema.graphql (tests fail when the two differ). */
import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { printSchema } from 'graphql';
import { buildAppSchema } from '../src/schema.js';
import { projectRoot } from './lib/services.mjs';

const file = path.join(projectRoot, 'schema.graphql');
fs.writeFileSync(file, printSchema(await buildAppSchema()) + '\n');
console.log(`Wrote ${path.relative(process.cwd(), file) || file}`);
