import { setCustomElementsManifest, type Preview } from '@storybook/web-components-vite';
// Generated from the elements' JSDoc by `npm run analyze -w @justiceconnect/components`
// (the build-storybook and storybook scripts run it first; `npm run build` writes it too).
import manifest from '../packages/components/dist/custom-elements.json';

// The docs pages and controls (attributes, properties, events, slots, CSS parts and
// custom properties) come from the custom elements manifest.
setCustomElementsManifest(manifest);

const preview: Preview = {
  // A docs page for every widget, next to its stories.
  tags: ['autodocs'],
  parameters: {
    layout: 'padded',
    controls: { expanded: true },
  },
};
export default preview;
