import { DatePicker, type DatePickerProps } from 'antd';
import type { Dayjs } from 'dayjs';
import { useRef, type ComponentProps, type KeyboardEvent } from 'react';
import { isIsoDate } from '../../lib/dates';

/**
 * A date field for forms: typed text that is no date (2019-13-45) is handed to the form as that text,
 * for its rule to refuse, instead of silently reverting; Enter takes the typed date and never submits
 * the form.
 */
export function DateInput({ onChange, onKeyDown, onBlur, ...props }: Omit<DatePickerProps, 'onChange'> & { onChange?: (v: Dayjs | string | null) => void }) {
  // Set while the form holds text that is no date: clearing the field then clears that text too.
  const holdsText = useRef(false);
  const typed = (target: EventTarget | null) => {
    const text = (target as HTMLInputElement | null)?.value?.trim() ?? '';
    if (text && !isIsoDate(text)) {
      holdsText.current = true;
      onChange?.(text);
    } else if (!text && holdsText.current) {
      holdsText.current = false;
      onChange?.(null);
    }
  };
  return (
    <DatePicker
      format="YYYY-MM-DD"
      {...props}
      onChange={(d) => {
        holdsText.current = false;
        onChange?.(Array.isArray(d) ? (d[0] ?? null) : d);
      }}
      onKeyDown={(e: KeyboardEvent<HTMLElement>, preventDefault: () => void) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          typed(e.target);
        }
        onKeyDown?.(e, preventDefault);
      }}
      onBlur={(e, info) => {
        typed(e.target);
        onBlur?.(e, info);
      }}
    />
  );
}

/** The range picker of a form, where Enter likewise never submits. */
export function DateRangeInput({ onKeyDown, ...props }: ComponentProps<typeof DatePicker.RangePicker>) {
  return (
    <DatePicker.RangePicker
      format="YYYY-MM-DD"
      {...props}
      onKeyDown={(e: KeyboardEvent<HTMLElement>, preventDefault: () => void) => {
        if (e.key === 'Enter') e.preventDefault();
        onKeyDown?.(e, preventDefault);
      }}
    />
  );
}
