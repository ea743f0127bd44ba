// /accounts/signup/?next=…
import { signUp } from '../session';
import { AuthForm } from './AuthForm';

export default function SignUp(props: { next: string }) {
  return <AuthForm mode="signup" next={props.next} submit={signUp} />;
}
