/**
 * The one way a subgraph's schema is built. Its SDL is the SDL files of this folder, in order:
 * shared.graphql (identical in every subgraph, as composition requires of shared declarations),
 * the subgraph's own files (province.graphql, eligibility.graphql, claims.graphql and applications.graphql for the province; none for a
 * region), then the region types, which are the one part generated rather than written: a region's
 * `<Prefix>Record` and `<Prefix>Region` copy the fields of the interfaces they implement, so that
 * adding a prefecture needs no SDL and the types cannot drift from their interfaces.
 */
import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import {
  Kind,
  parse,
  print,
  type DocumentNode,
  type FieldDefinitionNode,
  type InterfaceTypeDefinitionNode,
  type ObjectTypeDefinitionNode,
  type GraphQLSchema,
  type TypeNode,
} from 'graphql';
import type { RegionDefinition } from '../domain/regions.js';

function schemaFile(name: string): string {
  return readFileSync(new URL(`./${name}`, import.meta.url), 'utf8');
}

export const SHARED_SDL = schemaFile('shared.graphql');
const shared = parse(SHARED_SDL);
const PROVINCE_FILES = ['province.graphql', 'eligibility.graphql', 'claims.graphql', 'applications.graphql'].map(schemaFile);

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

// @inaccessible: the key is for the gateway's own entity fetches. In clients' hands the sealed
// reference would be a stable, linkable copy of the ID number (issue 11, item 1), and it opens to
// the number itself wherever the identity secret is weak; composition hides it from the API schema.
const PERSON_REF_FIELD = '"Sealed reference to the person; only the federation\'s services can open it."\n  personRef: ID! @inaccessible';

export function recordTypeName(region: RegionDefinition): string {
  return `${region.typePrefix}Record`;
}

export function regionTypeName(region: RegionDefinition): string {
  return `${region.typePrefix}Region`;
}

/**
 * A region's two entity types: resolvable in its own subgraph, key-only stubs elsewhere.
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

function subgraphSdl(ownFiles: readonly string[], regionTypeSdl: readonly string[]): string {
  return [SHARED_SDL, ...ownFiles, ...regionTypeSdl].join('\n\n');
}

/** A regional subgraph: the shared declarations and its own two types, resolvable there. */
export function regionalSubgraphSdl(region: RegionDefinition): string {
  return subgraphSdl([], regionTypes(region, true));
}

/** The province: its own files, and stubs of every region's types (keys only, the rest external). */
export function provinceSubgraphSdl(regions: readonly RegionDefinition[]): string {
  return subgraphSdl(PROVINCE_FILES, regions.flatMap((region) => regionTypes(region, false)));
}

/** Every subgraph's SDL by service name, as composition (gateway/compose.ts) takes them. */
export function subgraphSdls(regions: readonly RegionDefinition[]): Array<{ name: string; sdl: string }> {
  return [
    { name: 'province', sdl: provinceSubgraphSdl(regions) },
    ...regions.map((region) => ({ name: region.code, sdl: regionalSubgraphSdl(region) })),
  ];
}

type SchemaModule = Exclude<Extract<Parameters<typeof buildSubgraphSchema>[0], readonly unknown[]>[number], DocumentNode>;
/** Resolvers as @apollo/subgraph takes them (its own type is not exported from the package root). */
export type SubgraphResolvers = NonNullable<SchemaModule['resolvers']>;

/** A subgraph's executable schema from its SDL (above) and its resolvers. */
export function buildSubgraph(sdl: string, resolvers: SubgraphResolvers): GraphQLSchema {
  return buildSubgraphSchema([{ typeDefs: parse(sdl), resolvers }]);
}

function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}

/**
 * Every field of a shared object type as a selection, nested object fields included, on one line
 * (a @requires field set is written on one line).
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
