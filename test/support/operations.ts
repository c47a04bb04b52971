/** GraphQL operations shared by the gateway's tests. */

export const LINK_ROUTE = 'POST /crm/v8/Contacts/{id}/Emails/actions/link_record';
export const UNLINK_ROUTE = 'DELETE /crm/v8/Contacts/{id}/Emails/actions/link_record';

export const LINK_MUTATION = /* GraphQL */ `
  mutation Link($input: LinkEmailsToDealInput!) {
    linkEmailsToDeal(input: $input) {
      totalCount
      succeededCount
      failedCount
      unknownCount
      results {
        contactId
        messageId
        status
        error {
          code
          message
          vendorCode
          field
          retryAfterMs
        }
        email {
          id
          linkedDeal {
            id
            name
          }
        }
      }
    }
  }
`;

export const UNLINK_MUTATION = /* GraphQL */ `
  mutation Unlink($input: UnlinkEmailsFromDealInput!) {
    unlinkEmailsFromDeal(input: $input) {
      totalCount
      succeededCount
      failedCount
      unknownCount
      results {
        contactId
        messageId
        status
        error {
          code
          message
          vendorCode
          field
          retryAfterMs
        }
        email {
          linkedDeal {
            id
          }
        }
      }
    }
  }
`;
