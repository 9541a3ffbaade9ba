/**
 * Which operations the gateway serves, and the client's mistakes in choosing one, answered as
 * such (issue 11, item 7): HTTP 400 with a code, never a 500 or INTERNAL_SERVER_ERROR from deep in
 * the query planner, and never an echo of what the client sent (an operationName can be 90 kB).
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError, type ValidationRule } from 'graphql';

/**
 * A subscription, or a mutation while the schema has no Mutation type: refused at validation
 * (GRAPHQL_VALIDATION_FAILED, HTTP 400). graphql-js 16 has no such rule, so the gateway's
 * planner met them and failed with a 500. Subscriptions are never served over this HTTP endpoint
 * (@apollo/gateway does not plan them); mutations are, once the schema has some.
 */
export const servedOperationTypes: ValidationRule = (context) => ({
  OperationDefinition(node) {
    const schema = context.getSchema();
    if (node.operation === 'subscription') {
      context.reportError(new GraphQLError('Subscriptions are not served here: send a query.', { nodes: [node] }));
    } else if (node.operation === 'mutation' && !schema.getMutationType()) {
      context.reportError(new GraphQLError('This service has no mutations: send a query.', { nodes: [node] }));
    }
  },
});

/** Longest name a document may give an operation, a variable, an alias or a fragment. */
export const MAX_NAME_LENGTH = 100;

/**
 * Names longer than MAX_NAME_LENGTH are refused at validation (GRAPHQL_VALIDATION_FAILED, HTTP
 * 400), without the name. The query planner copies the operation's name, its variables' names and
 * its aliases into every subgraph operation: a 60,000-character operation name made the
 * province refuse the gateway's call (HTTP 413), which clients were told as the province being
 * unreachable. Reported once per document, however many names are long.
 */
export const boundedNames: ValidationRule = (context) => {
  let reported = false;
  return {
    Name(node) {
      if (reported || node.value.length <= MAX_NAME_LENGTH) return;
      reported = true;
      context.reportError(new GraphQLError(`Names in the document (operation, variable, alias, fragment) may be at most ${MAX_NAME_LENGTH} characters.`, { nodes: [node] }));
    },
  };
};

/**
 * No operation of the document was picked: `operationName` names none of them, or the document
 * has several and no name was given. Apollo Server then executes nothing it can plan; this plugin
 * answers first, with a fixed message.
 */
export function operationResolutionPlugin(): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation) return;
          throw new GraphQLError(
            'No operation was chosen: operationName must name one operation of the document, and is needed when it holds several.',
            { extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } } },
          );
        },
      };
    },
  };
}
