import type { EmailAddressResolvers } from '../generated/resolvers-types.ts';

export const EmailAddress: EmailAddressResolvers = {
  name: (a) => a.user_name ?? null,
  email: (a) => a.email ?? null,
};
