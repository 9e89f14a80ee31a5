import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { configureApiClient, setExpiredHandler } from './api/http';
import { createQueryClient } from './api/queryClient';
import './styles.css';

const queryClient = createQueryClient();
configureApiClient();
// The one global 401 rule (api/http.ts) drops the token; here the cached data goes too, and
// the session guard sends the browser to /login.
setExpiredHandler(() => queryClient.clear());

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
