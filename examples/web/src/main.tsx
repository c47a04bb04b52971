import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { ApolloProvider } from '@apollo/client/react';
import { possibleTypes, typePolicies } from '../../../client/src/index.ts';
import { GATEWAY_URL } from './settings.ts';
import { App } from './App.tsx';
import './styles.css';

const client = new ApolloClient({
  link: new HttpLink({ uri: GATEWAY_URL }),
  cache: new InMemoryCache({ typePolicies, possibleTypes }),
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ApolloProvider client={client}>
      <App />
    </ApolloProvider>
  </StrictMode>,
);
