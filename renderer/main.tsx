import { App } from './App';
import { mount } from './mount';
import { Start } from './screens/Start';

// The desktop app's first screen, before it works on a ledger file or on the provincial server.
mount(window.api?.start && new URLSearchParams(location.search).get('screen') === 'start' ? <Start bridge={window.api.start} /> : <App />);
