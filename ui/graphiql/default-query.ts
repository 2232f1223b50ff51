/** What a first visit shows in the editor (GraphiQL keeps the user's own text in localStorage after that). */
export const DEFAULT_QUERY = `# catalog-sync: GraphiQL served by the API itself, so it
# works offline. If the server has API_TOKENS, put a token
# in the field above; it goes with every request and with
# the subscription socket.
#
# Run (Ctrl-Enter): the first customers and, per provider,
# where their latest change stands.
#
# To watch sync states live, run this in a new tab (+):
#
#   subscription {
#     syncStatusChanged(entityType: CUSTOMER) {
#       entityId provider state targetVersion lastError
#     }
#   }
#
# then change a record from another tab, e.g.
#
#   mutation {
#     createCustomer(input: {
#       name: "Ada Lovelace", email: "ada@example.com"
#     }) { id }
#   }

query Customers {
  customers(first: 10) {
    totalCount
    edges {
      node {
        id
        name
        email
        version
        syncStatus {
          provider
          state
          externalId
          lastError
        }
      }
    }
  }
}
`;
