/**
 * Builds every subgraph's SDL from schema/shared.graphql, so that the shared declarations are
 * identical everywhere (../shared/DESIGN.md, pattern 5) and the per-region types cannot drift from
 * the interfaces they implement: their fields are copied from the interface definitions.
 */
import { readFileSync } from 'node:fs';
import {
  Kind,
  parse,
  print,
  type DocumentNode,
  type FieldDefinitionNode,
  type InterfaceTypeDefinitionNode,
  type ObjectTypeDefinitionNode,
  type TypeNode,
} from 'graphql';
import type { RegionDefinition } from '../domain/regions.js';

/** federation/v2.14 is the newest version @apollo/composition 2.14 accepts (DESIGN.md, pattern 9). */
export const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.14", import: ["@key", "@shareable", "@external", "@requires", "@inaccessible"])';

export const SHARED_SDL = readFileSync(new URL('./shared.graphql', import.meta.url), 'utf8');
const shared = parse(SHARED_SDL);

function definition<T extends InterfaceTypeDefinitionNode | ObjectTypeDefinitionNode>(name: string): T {
  const found = shared.definitions.find(
    (node) =>
      (node.kind === Kind.INTERFACE_TYPE_DEFINITION || node.kind === Kind.OBJECT_TYPE_DEFINITION) &&
      node.name.value === name,
  );
  if (!found) throw new Error(`schema/shared.graphql has no type ${name}`);
  return found as T;
}

function printFields(fields: readonly FieldDefinitionNode[] | undefined, external: boolean): string {
  return (fields ?? [])
    .map((field) => {
      const node: FieldDefinitionNode = external
        ? {
            ...field,
            // @inaccessible belongs to the owners' declarations; composition refuses it on an @external one.
            directives: [
              ...(field.directives ?? []).filter((directive) => directive.name.value !== 'inaccessible'),
              { kind: Kind.DIRECTIVE, name: { kind: Kind.NAME, value: 'external' }, arguments: [] },
            ],
          }
        : field;
      return `  ${print(node).replace(/\n/g, '\n  ')}`;
    })
    .join('\n');
}

/** The implementing type of a shared interface: its key field, then the interface's own fields. */
function implementingType(options: {
  name: string;
  interfaceName: string;
  key: string;
  keyField: string;
  resolvable: boolean;
  description: string;
}): string {
  const iface = definition<InterfaceTypeDefinitionNode>(options.interfaceName);
  const fields = (iface.fields ?? []).filter((field) => field.name.value !== options.key);
  const keyDirective = options.resolvable
    ? `@key(fields: "${options.key}")`
    : `@key(fields: "${options.key}", resolvable: false)`;
  return [
    `"${options.description}"`,
    `type ${options.name} implements ${options.interfaceName} ${keyDirective} {`,
    `  ${options.keyField}`,
    printFields(fields, !options.resolvable),
    '}',
  ].join('\n');
}

const PERSON_REF_FIELD = '"Sealed reference to the person; only the federation\'s services can open it."\n  personRef: ID!';

export function recordTypeName(region: RegionDefinition): string {
  return `${region.typePrefix}Record`;
}

export function regionTypeName(region: RegionDefinition): string {
  return `${region.typePrefix}Region`;
}

/**
 * A region's two entity types: resolvable in its own subgraph, key-only stubs elsewhere
 * (DESIGN.md, pattern 1).
 */
function regionTypes(region: RegionDefinition, resolvable: boolean): string[] {
  return [
    implementingType({
      name: recordTypeName(region),
      interfaceName: 'RegionalRecord',
      key: 'personRef',
      keyField: PERSON_REF_FIELD,
      resolvable,
      description: `What the ${region.code} portal (${region.portal}) holds on a person.`,
    }),
    implementingType({
      name: regionTypeName(region),
      interfaceName: 'Region',
      key: 'code',
      keyField: 'code: String!',
      resolvable,
      description: `${region.name} (${region.code}).`,
    }),
  ];
}

/** The region-owned types of one regional subgraph, resolvable there. */
export function regionalSubgraphSdl(region: RegionDefinition): string {
  return [FEDERATION_LINK, SHARED_SDL, ...regionTypes(region, true)].join('\n\n');
}

/** Stubs of every region's types in the province: keys only, the rest external (DESIGN.md, pattern 1). */
export function regionStubsSdl(regions: readonly RegionDefinition[]): string {
  return regions.flatMap((region) => regionTypes(region, false)).join('\n\n');
}

function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}

/**
 * Every field of a shared object type as a selection, nested object fields included, on one line
 * (a @requires field set must be one line: DESIGN.md, pattern 3).
 */
export function fullSelection(typeName: string): string {
  const type = definition<ObjectTypeDefinitionNode>(typeName);
  const parts = (type.fields ?? []).map((field) => {
    const inner = namedType(field.type);
    const isObject = shared.definitions.some(
      (node) => node.kind === Kind.OBJECT_TYPE_DEFINITION && node.name.value === inner,
    );
    return isObject ? `${field.name.value} { ${fullSelection(inner)} }` : field.name.value;
  });
  return parts.join(' ');
}

export function parseSdl(sdl: string): DocumentNode {
  return parse(sdl);
}
