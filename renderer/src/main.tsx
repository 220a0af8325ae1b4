// Entry of the console bundle (Electron window and LAN browsers alike).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { ConnectionProvider } from './api/connection';
import { I18nProvider } from './i18n';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nProvider>
      <ConnectionProvider>
        <App />
      </ConnectionProvider>
    </I18nProvider>
  </StrictMode>,
);
