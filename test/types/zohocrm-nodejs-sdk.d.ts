// Zoho's Node SDK ships JavaScript without type declarations; test/emulator/sdk.test.ts drives it
// as an outside client, through its documented classes only.
declare module '@zohocrm/nodejs-sdk-8.0';
