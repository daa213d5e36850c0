import { mount } from '../mount';
import { ScanApp } from './ScanPage';

mount(<ScanApp />);
