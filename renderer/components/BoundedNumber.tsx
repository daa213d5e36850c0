import { InputNumber, Tooltip, type InputNumberProps } from 'antd';
import { useEffect, useState } from 'react';
import { useI18n } from '../i18n';
import { outOfRange, rangeMessage } from '../lib/forms';

interface Props extends Omit<InputNumberProps<number>, 'value' | 'onChange' | 'min' | 'max' | 'status'> {
  /** The field's name, for the message. */
  label: string;
  min: number;
  max?: number;
  value: number | null;
  /** The number typed while it is in range; null while it is out of range or empty. */
  onChange: (value: number | null) => void;
}

/**
 * A number outside a form that is never clamped: InputNumber's own min and max would silently
 * turn 0 into 1 or 11 into 10. A number out of range stays as typed, marked, with the message
 * beside it, and is not passed on.
 */
export function BoundedNumber({ label, min, max, value, onChange, ...rest }: Props) {
  const { t } = useI18n();
  const [typed, setTyped] = useState<number | null>(value);
  // Follows the value set from outside; the null this field reports for a wrong number keeps what was typed.
  useEffect(() => { if (value !== null) setTyped(value); }, [value]);
  const wrong = outOfRange(typed, min, max);
  return (
    <Tooltip open={wrong} title={wrong ? rangeMessage(t, label, min, max) : undefined} color="red">
      <InputNumber<number>
        {...rest}
        status={wrong ? 'error' : undefined}
        value={typed}
        onChange={(v) => {
          setTyped(v);
          onChange(v === null || outOfRange(v, min, max) ? null : v);
        }}
      />
    </Tooltip>
  );
}
