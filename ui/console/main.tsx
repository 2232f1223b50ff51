import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles.css';

// `/` opens the customers list.
if (!window.location.hash || window.location.hash === '#/') {
  window.history.replaceState(null, '', '#/customers');
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
