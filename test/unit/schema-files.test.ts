/**
 * The schema is written in SDL files under schema/ and every subgraph is built from them the same
 * way (schema/sdl.ts). The province's @requires field sets are written out in those files, so they
 * are checked here against the shared types they must select in full.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Kind, parse, print, visit, type DocumentNode, type FieldNode, type ObjectTypeExtensionNode, type ObjectTypeDefinitionNode, type StringValueNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { REGIONS } from '../../domain/regions.js';
import { fullSelection, provinceSubgraphSdl } from '../../schema/sdl.js';

const root = new URL('../../', import.meta.url);

/** The `fields` of a Person field's @requires, parsed as a selection. */
function requiredSelection(document: DocumentNode, field: string): readonly FieldNode[] {
  const person = document.definitions.filter(
    (node): node is ObjectTypeDefinitionNode | ObjectTypeExtensionNode =>
      (node.kind === Kind.OBJECT_TYPE_DEFINITION || node.kind === Kind.OBJECT_TYPE_EXTENSION) && node.name.value === 'Person',
  );
  const definition = person.flatMap((node) => node.fields ?? []).find((candidate) => candidate.name.value === field);
  const requires = definition?.directives?.find((directive) => directive.name.value === 'requires');
  const fields = (requires?.arguments?.[0]?.value as StringValueNode | undefined)?.value;
  if (!fields) throw new Error(`Person.${field} has no @requires`);
  const operation = parse(`{ ${fields} }`).definitions[0]!;
  if (operation.kind !== Kind.OPERATION_DEFINITION) throw new Error('not a selection');
  const records = operation.selectionSet.selections[0] as FieldNode;
  expect(records.name.value).toBe('records');
  return records.selectionSet!.selections as FieldNode[];
}

const printed = (selection: FieldNode | undefined) => (selection?.selectionSet ? print(selection.selectionSet) : '');
const everyField = (typeName: string) => print(parse(`{ ${fullSelection(typeName)} }`).definitions[0]!).trim();
const byName = (selections: readonly FieldNode[], name: string) => selections.find((selection) => selection.name.value === name);

describe('the schema files', () => {
  const province = parse(provinceSubgraphSdl(REGIONS));

  it("annualReview requires every field of every region's applications", () => {
    const selections = requiredSelection(province, 'annualReview');
    expect(selections.map((selection) => selection.name.value)).toEqual(['applicationsForProvince']);
    expect(printed(byName(selections, 'applicationsForProvince'))).toBe(everyField('Application'));
  });

  it('eligibility requires applications, integrity records and assessments in full, and no name or employer', () => {
    const selections = requiredSelection(province, 'eligibility');
    expect(printed(byName(selections, 'applicationsForProvince'))).toBe(everyField('Application'));
    expect(printed(byName(selections, 'integrityRecordsForProvince'))).toBe(everyField('IntegrityRecord'));
    expect(printed(byName(selections, 'assessmentsForProvince'))).toBe(everyField('Assessment'));
    const profile = (byName(selections, 'profileForProvince')?.selectionSet?.selections ?? []) as FieldNode[];
    expect(profile.map((field) => field.name.value)).toEqual(expect.arrayContaining(['gender', 'employerKind', 'sanctionUntil']));
    expect(profile.map((field) => field.name.value)).not.toContain('name');
    expect(profile.map((field) => field.name.value)).not.toContain('employer');
  });

  it('are the only place SDL is written: no TypeScript module declares GraphQL fields', () => {
    // A GraphQL field line: `name(args): Type!` with no `;` or `,` after it, which TypeScript
    // declarations and object literals always have.
    const graphqlField = /^\s+\w+(\([^)]*\))?: \[?[A-Z]\w*!?\]?!?( @\w+.*)?$/m;
    const offenders: string[] = [];
    for (const folder of ['subgraphs', 'gateway', 'schema', 'platform', 'domain']) {
      for (const file of readdirSync(new URL(`${folder}/`, root), { recursive: true, encoding: 'utf8' })) {
        if (file.endsWith('.ts') && graphqlField.test(readFileSync(new URL(`${folder}/${file}`, root), 'utf8'))) offenders.push(`${folder}/${file}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it("describe the graph in its readers' terms: no repository file, and no notice by our number", () => {
    // Clients read the descriptions (introspection, GraphiQL): they have no repository to open,
    // and know a notice by its issuer, title, date and section.
    const repositoryFile = /[\w.-]+\.(ts|js|mjs|json|md|sql|graphql|txt)\b|\b(domain|subgraphs|gateway|platform|schema|docs|demo|scripts)\//;
    const noticeByNumber = /\bnotices? 00\d|\b00\d (§|[一二三四五六七八九十])/i;
    const offenders: string[] = [];
    for (const file of readdirSync(new URL('schema/', root)).filter((name) => name.endsWith('.graphql'))) {
      visit(parse(readFileSync(new URL(`schema/${file}`, root), 'utf8')), {
        enter(node) {
          const description = 'description' in node ? (node.description as StringValueNode | undefined)?.value : undefined;
          if (description && (repositoryFile.test(description) || noticeByNumber.test(description))) {
            offenders.push(`${file}: ${description.slice(0, 80)}`);
          }
        },
      });
    }
    expect(offenders).toEqual([]);
  });
});
